"""Candidates: the spans of a sentence, heading or slide line that may be an instrument's title (in title
marks, an executive order by number, a name before its English name, a name after a verb such as 核定 /
推出, a line that is itself a name); ``rules/prose.yaml`` gives the words. Whether one is a title is
``titles.accept``."""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.report_text.prose.layout import BULLET_RE, Unit
from extractors.report_text.prose.named import named_spans, successor_end
from extractors.report_text.prose.places import juris_of, orgs_in
from extractors.report_text.prose.rules import CJK, rules
from extractors.report_text.prose.titles import accept, clean_title, strip_glued_note

_OPEN_CLOSE = {"《": "》", "「": "」", "『": "』", "【": "】"}
_QUOTE_SUFFIX_RE = re.compile(r"\s*(行動計畫|計畫|計劃|倡議|方案|法案|專案|政策|工程)")
_CLAUSE_RE = re.compile(r"[^,，;；。、]{2,60}")


@dataclass
class Candidate:
    """A span of a unit that may be an instrument's title, and how it was found (``titles.accept`` judges it)."""

    title: str          # as printed, title marks included
    start: int          # span in the unit text
    end: int
    quoted: bool
    how: str
    juris: str | None = None    # a country label printed with the name (``OECD：人工智慧原則``)


def _closing(text: str, i: int) -> int:
    """The index of the mark closing the one at ``i`` (nested marks of the same kind counted), or len(text)."""
    opening, close = text[i], _OPEN_CLOSE[text[i]]
    depth, j = 0, i
    while j < len(text):
        if text[j] == opening:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                break
        j += 1
    return j


def _closed(text: str, i: int, j: int) -> Candidate:
    """The title between the marks at ``i`` and ``j``; a word such as 計畫 right after 」 belongs to it."""
    if text[i] == "【":    # 【】 is not a title mark add_mention strips: the name alone
        return Candidate(text[i + 1:j], i + 1, j, True, "quoted")
    end = j + 1
    m = _QUOTE_SUFFIX_RE.match(text, end)
    if m and text[i] == "「":
        end = m.end()
    return Candidate(text[i:end], i, end, True, "quoted")


def _unclosed(text: str, i: int) -> list[Candidate]:
    """The closing mark lost to OCR: the title runs from the mark at ``i`` up to the clause end."""
    m = _CLAUSE_RE.match(text, i + 1)
    if not m:
        return []
    body = strip_glued_note(m.group(0).rstrip())
    return [Candidate(body, i + 1, i + 1 + len(body), True, "unclosed")]


def _marked_kind(text: str, c: Candidate) -> str:
    """How a title in 「」 is named by the words around it (rules/prose.yaml): ``appositive`` after a kind of
    instrument (培育計畫「マナビDX Quest」) or of public computer in a sentence that ranks none (超級電腦主機「臺灣
    杉」), ``platform`` when a public body operates it (經濟產業省…運營的「マナビ
    DX」平台), ``view`` for a stated view with its issuing body right before it (…小委員會的「AI 與著作權相關觀點」);
    else ``quoted``."""
    r = rules()
    before = text[:c.start]
    if not c.title.startswith("「"):
        return "quoted"
    if r.appositive.search(before) or (r.named["system_kind"].search(before) and not r.named["ranked"].search(text)):
        return "appositive"
    if re.search(rf"(?:{r.views})」$", c.title) and r.view_issuer.search(before):
        return "view"
    clause = re.split(r"[,，;；。]", re.sub(r"[(（][^()（）]*[)）]", "", before))[-1]   # brackets hold commas
    if r.platform_after.match(text[c.end:]) and r.platform_before.search(clause) and \
            any(j for _, _, _, j in orgs_in(clause)) and not r.private.search(clause):
        return "platform"
    return "quoted"


def _quoted(text: str) -> list[Candidate]:
    """Titles in 《》 / 「」 / 『』 / 【】, outermost first; an unclosed mark runs to the clause end; how a 「」 title
    is named: :func:`_marked_kind`."""
    out: list[Candidate] = []
    i = 0
    while i < len(text):
        if text[i] not in _OPEN_CLOSE:
            i += 1
            continue
        j = _closing(text, i)
        if j < len(text):
            c = _closed(text, i, j)
            c.how = _marked_kind(text, c)
            after = successor_end(text, c.start, c.end)    # 「富岳」後繼機型 (prose/named.py)
            if after:
                c = Candidate(text[c.start:after], c.start, after, True, "successor")
            out.append(c)
            i = j + 1
        else:
            out.extend(_unclosed(text, i))
            i += 1
    return out


_EO_RE = re.compile(r"(?:第\s*)?\d{4,5}\s*號\s*(?:《[^》]{0,80}》|行政命令)")


def _executive_orders(text: str) -> list[Candidate]:
    """An executive order named by its number: 第 14110 號行政命令."""
    out = []
    for m in _EO_RE.finditer(text):
        if "《" in m.group(0):
            continue                          # the title in marks is read by _quoted
        out.append(Candidate(m.group(0), m.start(), m.end(), False, "executive_order"))
    return out


def _name_before(text: str, j: int) -> tuple[str, int] | None:
    """The name printed right before a bracket at ``j`` (leading verbs, particles and amounts cut), with its
    start; None when a title mark closes right before the bracket (read by _quoted) or no name is left."""
    while j > 0 and text[j - 1] == " ":
        j -= 1
    if j == 0 or text[j - 1] in "》」』":
        return None
    k = j
    while k > 0 and (re.match(rf"[{CJK}A-Za-z0-9 .\-]", text[k - 1])):
        k -= 1
    name = text[k:j].strip()
    name = re.sub(r"^.*(?:的|和|及|與|之|於|為|在|即|是|由|對於|將|並|給|向|從|、|來自|透過|依照|依據|根據|遵守|"
                  r"符合|成立|設立|建立|推出|啟動|推動|部署|打造|建置|加入|參與)",
                  "", name)
    name = re.sub(r"^[\d\s.,]+(?:[億萬兆]\S*?)?", "", name).strip()
    name = re.split(rf"(?:{rules().triggers})", name)[-1].strip()
    if len(name) < 2:
        return None
    start = j - len(name)
    while start > 0 and text[start:j].strip() != name:
        start -= 1
    return name, start


def _english_head(english: str) -> bool:
    """An English name in brackets ends with an instrument word (``rules/prose.yaml`` english_heads), once a
    trailing acronym (``, ASCR``) or a phase number (``Facility-2``) is set aside; an acronym naming a public
    consortium (``ALT-EDIC``) counts too."""
    heads = rules().english_heads
    name_en = re.sub(r",\s*[A-Z][A-Za-z0-9\- .]{1,12}$", "", english).strip()     # drop ``, ASCR``
    name_en = re.sub(r"\s*-?\s*\d+$", "", name_en)                              # Facility-2
    return bool(re.search(rf"\b(?:{heads})$", name_en) or rules().public_consortium.search(english))


def _english_named(text: str) -> list[Candidate]:
    """A Chinese name followed by its English name in brackets: 線上安全法(Online Safety Bill); a fund named as
    the source of an amount needs no instrument word (900 萬歐元來自展望歐洲 (Horizon Europe): rules/prose.yaml
    ``funding_source``)."""
    out = []
    r = rules()
    for m in re.finditer(r"[(（]([A-Za-z][^()（）]{2,120})[)）]", text):
        english = m.group(1)
        suffixed = re.match(r"\s*(?:計劃|計畫|方案)", text[m.end():])
        found = _name_before(text, m.start())
        if not found:
            continue
        name, start = found
        funded = r.funding_source.search(text[:start])
        if not _english_head(english) and not suffixed and not funded:
            continue
        if re.search(r"(?:組織|機構|公司|銀行|大學|實驗室|協會|聯盟)$", name) and \
                not (name.endswith("聯盟") and r.public_consortium.search(english)):
            continue
        end = start + len(name)
        if suffixed:                  # 可信任 AI 對話引擎(TAIDE)計畫: the bracket and the word belong to the name
            end = m.end() + suffixed.end()
            name = text[start:end]
        out.append(Candidate(name, start, end, False, "english"))
    return out


def _original_named(text: str) -> list[Candidate]:
    """A Chinese name followed by its Japanese original in brackets, the original ending with a programme or
    instrument word (後 5G 情報通信系統基礎建設強化研究開發事業(ポスト 5G 情報通信システム基盤強化研究開発事業):
    rules/prose.yaml ``original_heads``); the bracket must hold kana, so it is the original name, not a gloss."""
    out = []
    for m in re.finditer(r"[(（]([^()（）]*[\u3040-\u30ff][^()（）]{0,120})[)）]", text):
        if not re.search(rf"(?:{rules().original_heads})\s*$", m.group(1)):
            continue
        found = _name_before(text, m.start())
        # a rendering ending with an instrument word already says its kind (統合創新戰略(統合イノベーション戦略),
        # 000 L1082, the yearly series whose editions are named with their year): only names whose kind the
        # rendering hides (…研究開發事業) are read here
        if found and not re.search(rf"(?:{rules().strong})$", found[0]):
            name, start = found
            out.append(Candidate(name, start, start + len(name), False, "english"))
    return out


def _unquoted(text: str) -> list[Candidate]:
    """A specific name printed without marks after a verb: 核定之臺灣 AI 行動計畫 2.0(2023-2026 年); a draft's
    草案 is part of it (000 L2788 將通過 AI 基本法草案)."""
    r = rules()
    strong = r.strong.replace("|法|", "|")
    pat = re.compile(rf"(?:{r.triggers})\s*((?:[A-Za-z0-9{CJK}][A-Za-z0-9{CJK} .\-]{{1,30}}?)"
                     rf"(?:{strong})(?:\s*\d+(?:\.\d+)+)?(?:\s*草案)?)"
                     rf"(?=[^A-Za-z0-9{CJK}]|$|[的之中及與和等可有將是係已於為期所下內並也在以成]|辦理|執行|推動|實施|討論)")
    inst = re.compile(rf"(?:設立|成立|設置)\S{{0,12}}?[之的]?\s*((?:[A-Za-z0-9{CJK}][A-Za-z0-9{CJK} ]{{1,16}}?)"
                      rf"(?:{r.institutions}))(?=[^A-Za-z0-9{CJK}]|$|[,,。、])")
    out = []
    for m in list(pat.finditer(text)) + list(inst.finditer(text)):
        name = m.group(1).strip()
        start = m.start(1)
        for cut in reversed(list(re.finditer(rf"(?:{r.triggers})|[之的]", name))):
            rest = re.sub(rf"(?:{strong})(?:\s*\d+(?:\.\d+)+)?$", "", name[cut.end():]).strip()
            if len(rest) >= 4 or cut.group(0) in "之的":
                start += cut.end()
                name = name[cut.end():]
                break
        for org, _ in r.orgs:                      # 行政院臺灣AI行動計畫: the issuer is not the title
            if name.startswith(org) and len(name) > len(org) + 2:
                start += len(org)
                name = name[len(org):]
                break
        lead = len(name) - len(name.lstrip())
        name = name.strip()
        how = "unquoted" if m.re is pat else "institution"
        if re.match(r"[\d\-.]", name):
            continue
        if how == "institution" and not re.search(r"[A-Za-z0-9]", name):
            continue
        out.append(Candidate(name, start + lead, start + lead + len(name), False, how))
    return out


def _whole_line(unit: Unit) -> list[Candidate]:
    """A heading or slide line that is itself a name (numbering, bullets and a trailing (date) removed)."""
    text = unit.text
    m = BULLET_RE.match(text)
    start = m.end()
    for pattern in [r"第\s*[一二三四五六七八九十\d]+\s*[章節]\s*", r"[一二三四五六七八九十壹貳參肆]+\s*、\s*",
                    r"[(（]\s*[一二三四五六七八九十\d]+\s*[)）]\s*", r"\d+\s*\.\s*(?!\d)"]:
        mm = re.compile(pattern).match(text, start)
        if mm:
            start = mm.end()
            break
    body = text[start:]
    label = re.match(r"^(\S{1,8}?)\s*[：:]\s*(?=\S)", body) if unit.context == "slide" else None
    label_juris = juris_of(label.group(1)) if label else None
    if label and label_juris:
        start += label.end()
        body = body[label.end():]
    block = unit.stack and re.fullmatch(r"\S{2,4}", unit.stack[-1].text) and unit.stack[-1].jurisdiction
    date = re.search(r"\s*[(（]\s*\d{2,4}\.\d{1,2}\s*[)）]\s*$", body)
    if date:
        body = body[:date.start()]
    body = body.rstrip(" .…")
    if not body or re.search(r"[,，;；。:：!?！？]", body) or len(body) > 60:
        return []
    out = []
    parts = re.split(r"\s*、\s*", body) if unit.context == "slide" else [body]
    if len(parts) > 1 and not (label_juris or block):
        return []                     # an enumeration of topics, not of named instruments
    for part in parts:
        k = text.find(part, start)
        how = "labelled" if label_juris or block else unit.context
        out.append(Candidate(part, k, k + len(part), False, how, label_juris))
    return out


def candidates(unit: Unit, spec: dict) -> list[Candidate]:
    """The candidate titles of a unit, by position; of overlapping spans the first found is kept (marks first).
    ``spec``: ``unquoted`` (read names without marks, default true), ``heading_titles`` (headings may be
    names, default true)."""
    text = unit.text
    cands = _quoted(text) + _executive_orders(text) + _english_named(text) + _original_named(text)
    # names the words around them tell (prose/named.py), kept only when accepted: a rejected one must not hide
    # an overlapping name found below
    cands += [Candidate(t, s, e, False, how) for t, s, e, how in named_spans(text)
              if accept(clean_title(t), False, how)]
    if spec.get("unquoted", True):
        cands += _unquoted(text)
    if unit.context == "heading" and not spec.get("heading_titles", True):
        cands = [c for c in cands if c.quoted]
    elif unit.context in ("heading", "slide"):
        cands += [c for c in _whole_line(unit) if not any(q.quoted for q in cands)]
    kept: list[Candidate] = []
    for c in cands:
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)
