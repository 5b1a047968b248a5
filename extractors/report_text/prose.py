"""Policy instruments named in running text, headings and slides -> ``policy_mentions`` (+ ``policy_relations``).

The reading, in order (rules in ``rules/prose.yaml``, per-source settings in ``specs/<source_id>.prose.yaml``):

1. **Layout.** Each line is a table line (tab-separated: tables are read by extractors/report_tables.py), a
   heading (markdown ``#`` or a numbering pattern of the spec; a ``#`` line ending in 。 is a wrapped body
   line, not a heading), a footnote or citation (``<sup>`` notes, lines with URLs or 檢視時間 / Accessed on),
   or body text. Sections whose heading matches the spec's ``skip_sections`` (table of contents, reference
   list ...) are skipped up to the next heading of the same or a higher level; ``stop`` ends the reading.
2. **Sentences.** Body lines are joined into paragraphs across line breaks, page breaks and footnotes until a
   sentence ends (。!?), then split into sentences; a slide deck (``mode: slide``) reads every line alone.
   Each sentence keeps the snapshot lines it spans (its locator).
3. **Titles.** A sentence names an instrument with a title in 《》 or 「」 (a word such as 計畫 or 倡議 printed
   right after the closing mark belongs to the title), an executive order by number (第 14110 號行政命令), a
   Chinese name followed by its English name in brackets (通用資料保護規則(General Data Protection
   Regulation, GDPR)), a specific name after a verb such as 核定 / 推出 (核定之臺灣 AI 行動計畫 2.0), a heading
   that is itself a name, or a slide line that is itself a name. The title's core must end with an
   instrument word; report, event and generic words reject it (``rules/prose.yaml``). A footnote number
   glued to the end (法案³, 路線圖 1258) is not part of the title; everything else is kept as printed.
4. **Who, where, when.** Jurisdiction: a country or organisation named in the title, else the nearest one
   before the title in the sentence, else the section's heading stack, else the spec's default. Issuer: the
   nearest organisation before the title in its clause (else in the sentence). Date: the printed date
   nearest before the title in the sentence (else the nearest after it); years that are targets or periods
   (至 2027 年, 2030 年前) are not issue dates.
5. **Not mentions.** Recommendations by the authors (建議 / 應 ... 制定 X), instruments of companies and
   private bodies, and anything in skipped sections.
6. **Relations.** Two titles in one sentence with a cue between them (撤銷: revokes, 取代: replaces ...) or
   before one of them (為因應 B ... A: A implements B) give one ``policy_relations`` row.

Over the size budget: one reading of running text in several passes; being split into a package (issue 9).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from pathlib import Path

from extractors.core import normalise as nz
from extractors.core.records import add_mention

RULES_DIR = Path(__file__).with_name("rules")
_TERMINATORS = "。!?！？"
_CJK = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_OPEN_CLOSE = {"《": "》", "「": "」", "『": "』", "【": "】"}
_NUMBERING = [  # default heading levels by numbering (spec ``heading_levels`` overrides)
    r"第\s*[一二三四五六七八九十\d]+\s*章", r"第\s*[一二三四五六七八九十\d]+\s*節",
    r"[壹貳參肆伍陸柒捌玖拾]+\s*、", r"[一二三四五六七八九十]+\s*、",
    r"[(（]\s*[一二三四五六七八九十]+\s*[)）]", r"\d+\s*\.(?!\d)", r"[(（]\s*\d+\s*[)）]", r"[A-Za-z]\s*\.",
]
_BULLET_RE = re.compile(r"^[\s\-–•●◆▶►▪■□◇※*]*(?:[①-⑳]\s*)?")


# --- rules -------------------------------------------------------------------------------------

def _flat(pattern: str) -> str:
    return re.sub(r"\s+", "", pattern) if pattern else pattern


@dataclass(frozen=True)
class _Rules:
    strong: str
    weak: str
    not_instrument: re.Pattern
    generic: re.Pattern
    triggers: str
    recommendation: re.Pattern
    proposed: re.Pattern
    adopted: re.Pattern
    relations: list
    date: re.Pattern
    date_not_after: re.Pattern
    date_not_before: re.Pattern
    orgs: list          # (name, jurisdiction or None), longest first
    private: re.Pattern
    aliases: dict
    subtitle: str
    english_heads: str
    institutions: str
    acronyms: dict


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The vocabulary of ``rules/prose.yaml``, compiled once."""
    raw = nz.load_rules("prose", RULES_DIR)
    words = raw["instrument_words"]
    strong = re.sub(r"\s*\|\s*", "|", words["strong"].strip()).replace("\\s+", r"\s*")
    # a line-wrap space may split an instrument word (000 L2422 "風險分級框 架"): tolerate one between
    # the characters of a plain CJK word
    strong = "|".join(" ?".join(w) if re.fullmatch(rf"[{_CJK}]{{2,4}}", w) else w for w in strong.split("|"))
    orgs = [(name, None if juris in (None, "null") else juris)
            for juris, names in raw["organisations"].items() for name in names]
    orgs.sort(key=lambda o: -len(o[0]))
    return _Rules(
        strong=strong, weak=_flat(words["weak"]),
        not_instrument=re.compile(_flat(raw["not_instrument"]), re.IGNORECASE),
        generic=re.compile(_flat(raw["generic_titles"]), re.IGNORECASE),
        triggers=_flat(raw["unquoted_triggers"]),
        recommendation=re.compile(raw["recommendation"]),
        proposed=re.compile(raw["status"]["proposed"]), adopted=re.compile(raw["status"]["adopted"]),
        relations=raw["relations"], date=re.compile(raw["date"]),
        date_not_after=re.compile(raw["date_not_issue_after"]),
        date_not_before=re.compile(raw["date_not_issue_before"]),
        orgs=orgs, private=re.compile(_flat(raw["private"]).replace("SK海力士", r"SK\s*海力士")),
        aliases=raw.get("jurisdiction_aliases") or {}, subtitle=raw["subtitle_separators"],
        english_heads=_flat(words["english_heads"]), institutions=raw["institution_words"],
        acronyms=raw.get("acronym_jurisdictions") or {},
    )


# --- layout ------------------------------------------------------------------------------------

@dataclass
class _Heading:
    level: int
    text: str
    line: int
    jurisdiction: str | None


@dataclass
class _Unit:
    """A sentence (or slide line) with the snapshot line of each character."""

    text: str
    lines: list[int]
    context: str                       # prose | heading | slide
    stack: list[_Heading] = field(default_factory=list)
    section: str = ""                  # the headings' texts, innermost last

    @property
    def locator(self) -> str:
        return f"L{self.lines[0]}-{self.lines[-1]}"

    def locator_of(self, start: int, end: int) -> str:
        return f"L{self.lines[start]}-{self.lines[max(start, end - 1)]}"


_SUP_RE = re.compile(r"\$?\s*<sup>.*?</sup>\s*\$?|\$\^\{?\d+\}?\$")
_CITATION_RE = re.compile(r"https?://|檢視時間|查閱時間|Accessed on|資料網址|資料連結|\(Accessed")
_FOOTNOTE_START_RE = re.compile(r"^\s*(?:\$?\s*<sup>|\$\s*<sup>|<sup>&lt;)")


def _strip_markup(line: str) -> str:
    return _SUP_RE.sub("", line)


class _Layout:
    def __init__(self, lines: list[str], spec: dict):
        self.lines = lines
        self.spec = spec
        self.mode = spec.get("mode", "prose")
        self.levels = [re.compile(p) for p in spec.get("heading_levels") or _NUMBERING]
        self.extra_headings = [re.compile(p) for p in spec.get("heading_patterns") or []]
        self.not_headings = [re.compile(p) for p in spec.get("not_headings") or []]
        self.skip = [re.compile(p) for p in spec.get("skip_sections") or []]
        self.stop = [re.compile(p) for p in spec.get("stop") or []]
        self.footnote = [re.compile(p) for p in spec.get("footnote_lines") or []]
        self.skip_lines = [re.compile(p) for p in spec.get("skip_lines") or []]

    def heading_text(self, raw: str) -> str | None:
        """The heading text of a line, or None when it is not a heading (a contents line is none)."""
        s = raw.strip()
        if "\t" in raw or re.search(r"\.{4,}|…{2,}|•{3,}", s):
            return None
        if s.startswith("#"):
            text = s.lstrip("#").strip()
            if not text or re.search(r"[。)]\s*(?:<sup>\d+</sup>|\d{1,3})?\s*$", text) and not re.match(
                    r"^\S{1,6}\s*$", text):
                return None     # a wrapped body line printed as a heading (``#### 運算的技術發展。53``)
            if re.match(r"^表\s*\d", text) or any(p.search(text) for p in self.not_headings):
                return None
            return text
        if any(p.search(s) for p in self.extra_headings):
            return s
        return None

    def level(self, text: str) -> int:
        for i, pattern in enumerate(self.levels):
            if pattern.match(text):
                return i
        return len(self.levels)


def _juris_of(text: str) -> str | None:
    r = rules()
    key = nz.to_traditional(text)
    for alias, code in r.aliases.items():
        if alias in key:
            return code
    for name, juris in r.orgs:
        if juris and name in key:
            return juris
    return nz.jurisdiction_in(key)


def _join(buf: list[tuple[str, int]], text: str, line: int) -> None:
    """Append a wrapped line to a paragraph: no space between CJK, one between Latin words."""
    if buf and buf[-1][0] and text and re.match(r"[A-Za-z0-9,.)]", buf[-1][0][-1]) and \
            re.match(r"[A-Za-z0-9(]", text[0]):
        buf.append((" ", buf[-1][1]))
    buf.append((text, line))


def _units(lines: list[str], spec: dict):  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Yield sentences, headings and slide lines with their heading stack; skips tables and notes."""
    lay = _Layout(lines, spec)
    stack: list[_Heading] = []
    skipping: int | None = None        # level of the skipped section's heading
    para: list[tuple[str, int]] = []

    def flush():
        nonlocal para
        if not para:
            return
        text = "".join(t for t, _ in para)
        owners = [ln for t, ln in para for _ in t]
        para = []
        yield from _sentences(text, owners, stack, "slide" if lay.mode == "slide" else "prose")

    for idx, raw in enumerate(lines):
        n = idx + 1
        if any(p.search(raw) for p in lay.stop):
            yield from flush()
            return
        heading = lay.heading_text(raw)
        if heading is not None:
            yield from flush()
            level = lay.level(heading)
            if skipping is not None and level > skipping:
                continue
            skipping = None
            if any(p.search(heading) for p in lay.skip):
                skipping = level
                continue
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(_Heading(level, heading, n, _juris_of(heading)))
            yield _Unit(heading, [n] * len(heading), "heading", list(stack), _section(stack))
            continue
        if skipping is not None:
            continue
        s = raw.strip()
        if not s:
            if lay.mode == "slide":
                yield from flush()
            continue
        if "\t" in raw or any(p.search(s) for p in lay.skip_lines):
            yield from flush()          # a table line: tables are read by report_tables
            continue
        if _FOOTNOTE_START_RE.match(s) or _CITATION_RE.search(s) or any(p.search(s) for p in lay.footnote):
            continue                    # footnote or citation: a paragraph may continue after it
        if re.fullmatch(r"[\d.\s]{1,5}", s):
            continue                    # page number
        text = _strip_markup(s)
        if lay.mode == "slide":
            yield from flush()
            _join(para, text, n)
            yield from flush()
            continue
        _join(para, text, n)
        if text.rstrip().endswith(tuple(_TERMINATORS)):
            yield from flush()
    yield from flush()


def _section(stack: list[_Heading]) -> str:
    return " / ".join(h.text for h in stack)


def _sentences(text: str, owners: list[int], stack, context: str):
    start = 0
    for i, ch in enumerate(text):
        if ch in _TERMINATORS or i == len(text) - 1:
            piece = text[start:i + 1]
            lead = len(piece) - len(piece.lstrip())
            note = re.match(r"\s*\d{1,3}(?=[^\d\s年月日.,,%%:;)])", piece)
            if note and start > 0:
                lead = note.end()
            piece = piece.strip()
            if piece:
                s = start + lead
                yield _Unit(piece, owners[s:s + len(piece)], context, list(stack), _section(stack))
            start = i + 1


# --- titles ------------------------------------------------------------------------------------

@dataclass
class _Candidate:
    title: str          # as printed, title marks included
    start: int          # span in the unit text
    end: int
    quoted: bool
    how: str
    juris: str | None = None    # a country label printed with the name (``OECD：人工智慧原則``)


_TRAIL_MOD = (r"(?:\s*(?:\d{4}\s*年?\s*)?(?:更新版|修正版|版)|\s*\d+(?:\.\d+)+|\s*[(（][^()（）]{0,60}[)）]"
              r"|\s*(?:19|20)\d{2}\s*年?|\s*草案|\s*第\s*\d+\s*版|\s*\d+\.\d+)*")


def _core(title: str) -> str:
    """The title without title marks and trailing years, versions, bracketed names and 草案."""
    t = re.sub(r"[《》「」『』〈〉]", "", title).strip()
    prev = None
    while prev != t:
        prev = t
        t = re.sub(r"(?:\s*[(（][^()（）]{0,80}[)）]|\s*草案|\s*(?:19|20)\d{2}\s*年?|\s*(?:\d{4}\s*年\s*)?更新版"
                   r"|\s*修正版|\s*第\s*\d+\s*版|\s*\d+(?:\.\d+)+\s*版?|\s*[\d.]+\s*$)$", "", t).strip()
    return t


def _ends_with_instrument(core: str, quoted: bool) -> bool:
    r = rules()
    words = r.strong + (("|" + r.weak) if quoted else "")
    if re.search(rf"(?:{words})$", core, re.IGNORECASE):
        if not quoted and core.endswith("法") and not re.search(rf"(?:{r.strong.replace('|法|', '|')})$", core):
            return bool(re.search(r"(?:基本|保護|安全|促進|管理|發展|振興|倡議)法$", core))
        return True
    # a subtitle after the instrument's name: 人工智慧風險管理架構:生成式人工智慧簡介
    m = re.match(rf"^(.+?)\s*{r.subtitle}", core)
    return bool(m) and bool(re.search(rf"(?:{r.strong})\s*(?:\d+(?:\.\d+)*\s*版)?$", m.group(1), re.IGNORECASE))


_GLUED_NOTE_RE = re.compile(r"(?<=[\u3400-\u9fffA-Za-z》」])\s*(?:[¹²³⁰⁴-⁹]+|(?<![\d.])\d{1,4})$")


def _strip_glued_note(title: str) -> str:
    """``法案³`` / ``法案12`` / ``路線圖 1258`` -> without the footnote number; a year (2024) is kept."""
    m = _GLUED_NOTE_RE.search(title)
    if not m:
        return title
    digits = m.group(0).strip()
    if re.fullmatch(r"(?:19|20)\d{2}", digits):
        return title
    return title[:m.start()].rstrip()


def _quoted(text: str) -> list[_Candidate]:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Titles in 《》 / 「」 / 『』, outermost first; an unclosed mark runs to the clause end."""
    out: list[_Candidate] = []
    i = 0
    suffix = re.compile(r"\s*(行動計畫|計畫|計劃|倡議|方案|法案|專案|政策)")
    while i < len(text):
        ch = text[i]
        if ch not in _OPEN_CLOSE:
            i += 1
            continue
        close = _OPEN_CLOSE[ch]
        depth, j = 0, i
        while j < len(text):
            if text[j] == ch:
                depth += 1
            elif text[j] == close:
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j < len(text):
            end = j + 1
            m = suffix.match(text, end)
            if m and ch == "「":
                end = m.end()
            if ch == "【":    # 【】 is not a title mark add_mention strips: the name alone
                out.append(_Candidate(text[i + 1:j], i + 1, j, True, "quoted"))
            else:
                out.append(_Candidate(text[i:end], i, end, True, "quoted"))
            i = j + 1
            continue
        # unclosed (the closing mark lost to OCR): up to the clause end
        m = re.compile(r"[^,，;；。、]{2,60}").match(text, i + 1)
        if m:
            body = _strip_glued_note(m.group(0).rstrip())
            out.append(_Candidate(body, i + 1, i + 1 + len(body), True, "unclosed"))
        i += 1
    return out


_EO_RE = re.compile(r"(?:第\s*)?\d{4,5}\s*號\s*(?:《[^》]{0,80}》|行政命令)")


def _executive_orders(text: str) -> list[_Candidate]:
    out = []
    for m in _EO_RE.finditer(text):
        if "《" in m.group(0):
            continue                          # the title in marks is read by _quoted
        out.append(_Candidate(m.group(0), m.start(), m.end(), False, "executive_order"))
    return out


_EN_WORDS = re.compile(r"\b(?:Act|Bill|Regulation|Strategy|Strategic Plan|Programme|Program|Framework|RMF|"
                       r"Executive Order|Guidelines?|Guidance|Principles|Declaration|Initiative|Roadmap)\b")


def _english_named(text: str) -> list[_Candidate]:
    """A Chinese name followed by its English name in brackets: 線上安全法(Online Safety Bill)."""
    out = []
    heads = rules().english_heads
    for m in re.finditer(r"[(（]([A-Za-z][^()（）]{2,120})[)）]", text):
        english = m.group(1)
        name_en = re.sub(r",\s*[A-Z][A-Za-z0-9\- .]{1,12}$", "", english).strip()   # drop ``, ASCR``
        suffixed = re.match(r"\s*(?:計劃|計畫|方案)", text[m.end():])
        if not re.search(rf"\b(?:{heads})$", name_en) and not suffixed:
            continue
        j = m.start()
        while j > 0 and text[j - 1] == " ":
            j -= 1
        if j == 0 or text[j - 1] in "》」』":
            continue                          # a quoted title: read by _quoted
        k = j
        while k > 0 and (re.match(rf"[{_CJK}A-Za-z0-9 .\-]", text[k - 1])):
            k -= 1
        name = text[k:j].strip()
        name = re.sub(r"^.*(?:的|和|及|與|之|於|為|在|即|是|由|對於|將|並|給|向|從|、|來自|透過|依照|依據|根據|遵守|"
                      r"符合|成立|設立|建立|推出|啟動|推動)",
                      "", name)
        name = re.sub(r"^[\d\s.,]+(?:[億萬兆]\S*?)?", "", name).strip()
        name = re.split(rf"(?:{rules().triggers})", name)[-1].strip()
        if len(name) < 2 or re.search(r"(?:組織|機構|公司|銀行|大學|實驗室|協會|聯盟)$", name):
            continue
        start = j - len(name)
        while start > 0 and text[start:j].strip() != name:
            start -= 1
        end = j
        if suffixed:                  # 可信任 AI 對話引擎(TAIDE)計畫: the bracket and the word belong to the name
            end = m.end() + suffixed.end()
            name = text[start:end]
        out.append(_Candidate(name, start, end, False, "english"))
    return out


def _unquoted(text: str) -> list[_Candidate]:
    """A specific name printed without marks after a verb: 核定之臺灣 AI 行動計畫 2.0(2023-2026 年)."""
    r = rules()
    strong = r.strong.replace("|法|", "|")
    pat = re.compile(rf"(?:{r.triggers})\s*((?:[A-Za-z0-9{_CJK}][A-Za-z0-9{_CJK} .\-]{{1,30}}?)"
                     rf"(?:{strong})(?:\s*\d+(?:\.\d+)+)?)"
                     rf"(?=[^A-Za-z0-9{_CJK}]|$|[的之中及與和等可有將是係已於為期所下內並也在以成]|辦理|執行|推動|實施)")
    inst = re.compile(rf"(?:設立|成立|設置)\S{{0,12}}?[之的]?\s*((?:[A-Za-z0-9{_CJK}][A-Za-z0-9{_CJK} ]{{1,16}}?)"
                      rf"(?:{r.institutions}))(?=[^A-Za-z0-9{_CJK}]|$|[,,。、])")
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
        out.append(_Candidate(name, start + lead, start + lead + len(name), False, how))
    return out


def _whole_line(unit: _Unit) -> list[_Candidate]:
    """A heading or slide line that is itself a name (numbering, bullets and a trailing (date) removed)."""
    text = unit.text
    m = _BULLET_RE.match(text)
    start = m.end()
    for pattern in [r"第\s*[一二三四五六七八九十\d]+\s*[章節]\s*", r"[一二三四五六七八九十壹貳參肆]+\s*、\s*",
                    r"[(（]\s*[一二三四五六七八九十\d]+\s*[)）]\s*", r"\d+\s*\.\s*(?!\d)"]:
        mm = re.compile(pattern).match(text, start)
        if mm:
            start = mm.end()
            break
    body = text[start:]
    label = re.match(r"^(\S{1,8}?)\s*[：:]\s*(?=\S)", body) if unit.context == "slide" else None
    label_juris = _juris_of(label.group(1)) if label else None
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
        out.append(_Candidate(part, k, k + len(part), False, how, label_juris))
    return out


# --- who, where, when --------------------------------------------------------------------------

def _orgs_in(text: str) -> list[tuple[int, int, str, str | None]]:
    """Organisations named in text: (start, end, name, jurisdiction), non-overlapping, longest first."""
    taken: list[tuple[int, int]] = []
    out = []
    for name, juris in rules().orgs:
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((m.start(), m.end(), name, juris))
    return sorted(out)


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every country name (pycountry zh names + aliases), longest first, and its codes."""
    codes: dict[str, str] = {}
    for name, code in list(nz._country_names().items()) + list(rules().aliases.items()):
        if len(name) < 2 or not re.search(rf"[{_CJK}]", name) and name not in rules().aliases:
            continue
        codes.setdefault(name, code)
    alternation = "|".join(re.escape(n) for n in sorted(codes, key=lambda n: (-len(n), n)))
    return re.compile(alternation), codes


def _places_in(text: str) -> list[tuple[int, str]]:
    """Countries / jurisdictions named in text, by position (organisations count with theirs)."""
    orgs = _orgs_in(text)
    out = [(s, j) for s, _, _, j in orgs if j]
    taken = [(s, e) for s, e, _, _ in orgs]
    pattern, codes = _place_pattern()
    for m in pattern.finditer(nz.to_traditional(text)):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        out.append((m.start(), codes[m.group(0)]))
    return sorted(out)


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last , ; : that is not inside brackets."""
    depth = 0
    for k in range(pos - 1, -1, -1):
        ch = text[k]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",，;；:：":
            return k + 1
    return 0


def _date_near(text: str, start: int, end: int, others: list[tuple[int, int]] = ()) -> str | None:
    """The printed date of the title at text[start:end]: the nearest before it with no other title in
    between, else the nearest after it in the same clause; targets and periods are not issue dates, and a
    relative date (同年 6 月) hides the dates before it (it cannot be read as printed)."""
    r = rules()
    before, after = None, None
    spans = [(m.start(), m.end(), m.group(0)) for m in r.date.finditer(text)]
    spans += [(m.start(), m.end(), None) for m in re.finditer(r"同年\s*\d{1,2}\s*月", text)]
    for s, e, printed in sorted(spans):
        if start <= s < end or any(a <= s < b for a, b in others):
            continue
        if printed and (r.date_not_after.match(text[e:]) or r.date_not_before.search(text[:s])):
            continue
        if e <= start:
            if any(e <= a and b <= start for a, b in others):
                before = None
                continue
            if _clause_start(text, start) > e:
                # the date sits in an earlier clause: it dates this title only when that clause is the
                # date alone (``2024年7月,國科會預告《...》``)
                c0 = _clause_start(text, s)
                sep = re.search(r"[,，;；:：]", text[e:])
                rest = text[c0:e + (sep.start() if sep else 0)].replace(text[s:e], "")
                if len(re.sub(r"[\s於在自從]", "", rest)) > 2:
                    before = None
                    continue
            before = (s, printed)
        elif s >= end and after is None and s >= end and _clause_start(text, s) <= end and \
                not any(end <= a and b <= s for a, b in others):
            after = (s, printed)
    pick = before or after
    return pick[1].strip() if pick and pick[1] else None


# --- the extractor -----------------------------------------------------------------------------

_QUANTIFIER_RE = re.compile(r"^(?:\d+\s*[條項大個億家]|[一二三四五六七八九十兩]+\s*[項大個條]|多項|許多|各種|各項|相關|"
                            r"該|本|其|此|自家|前述|前期|一項|一套)")
_PARTICLE_RE = re.compile(r"[的之了與及和或來]|進行|建立|制定|訂定|透過|提供|結合|相關|所需|針對|關於|有關")
_HEADING_VERB_RE = re.compile(r"研究|方法|現況|趨勢|挑戰|影響|小結|結論|建議|進展|項目|提供|推動|設立|建立|"
                              r"新增|延續|討論|重視|成立|發展|面臨|制定|訂定|透過|啟用|要求|積極|"
                              r"著手|帶動|強化|推出|促進|加速")


def _accept(title: str, quoted: bool, how: str) -> bool:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Whether a printed title names an instrument (rules/prose.yaml; the method in the module docstring)."""
    r = rules()
    core = _core(title)
    if re.search(rf"[(（]\s*(?:{r.strong})\s*[)）]$", title):
        core = re.sub(r"\s*[(（]\s*(\S+?)\s*[)）]$", r"\1", title)   # 開發和使用AI (行政命令)
    size = len(re.sub(r"\s", "", core))
    if how != "executive_order" and (size < 2 or size < 3 and not core.endswith("法")):
        return False
    if how == "english":
        return not _QUANTIFIER_RE.match(re.sub(r"\s", "", core)) and not r.private.search(core)
    if how == "institution":
        return bool(re.search(rf"(?:{r.institutions})$", core)) and not _QUANTIFIER_RE.match(core) \
            and not r.private.search(core)
    if how != "executive_order" and not _ends_with_instrument(core, quoted or how == "labelled"):
        if not (re.search(r"[A-Za-z]{4}", core) and not re.search(rf"[{_CJK}]", core)
                and re.search(rf"\b(?:{r.english_heads})\b", core, re.IGNORECASE)):
            return False              # an English title: its instrument word may stand first
    last_word = list(re.finditer(rf"(?:{r.strong}|{r.weak})", core, re.IGNORECASE))
    for m in r.not_instrument.finditer(core):
        if not last_word or m.end() >= last_word[-1].end():
            return False              # the title's head noun is a report, event or term
    if r.private.search(core):
        return False
    bare = re.sub(r"\s", "", core)
    for name, _ in r.orgs:
        bare = bare.removeprefix(re.sub(r"\s", "", name))
    if quoted and re.search(r"[，,。；;]", core):
        return False                  # a quoted sentence or instruction, not a name
    if quoted:
        # a name its author marked: rejected only when it is a bare kind of instrument (「暫行辦法」) or
        # a verb phrase (「制定 AI 治理規範」)
        return not re.fullmatch(rf"(?:暫行)?(?:{r.strong}|{r.weak})", bare) and \
            not re.match(r"^(?:制定|建立|完善|培育|推動|加速|強化|槓桿|落實)", bare)
    if how == "institution":
        return not _QUANTIFIER_RE.match(bare) and not r.private.search(bare)
    bare = re.sub(r"^(?:美國|歐盟|日本|中國|韓國|南韓|英國|臺灣|台灣|我國)", "", bare)
    if _QUANTIFIER_RE.match(bare) or how not in ("english", "labelled") and r.generic.match(bare):
        return False
    if how == "heading":
        return not _HEADING_VERB_RE.search(core) and not _QUANTIFIER_RE.match(bare)
    if how in ("unquoted", "slide", "english", "list", "labelled"):
        if how == "unquoted" and _PARTICLE_RE.search(bare):
            return False
        # a name printed without marks must be specific: Latin letters or digits in it (AI 工廠計畫,
        # 臺灣 AI 行動計畫 2.0), or a law's name (人工智慧基本法), or a long name on a slide or list line
        head = re.sub(rf"(?:{r.strong})$", "", bare, flags=re.IGNORECASE)
        if how == "unquoted" and not re.search(r"[A-Za-z0-9]", head) and \
                not re.search(r"(?:法|法案|條例)$", bare) and \
                not (len(bare) >= 7 and re.match(r"(?:人工智慧|生成式|智慧|數位)", bare)
                     and re.search(r"(?:框架|架構|指引|準則)$", bare)):
            return False
        if len(head) < 2:
            return False
    return True


def _recommended(text: str, start: int) -> bool:
    """A recommendation by the authors (建議 / 應 ... 制定 X) or an indefinite naming (制定一套 ...「X」)."""
    clause = text[_clause_start(text, start):start]
    return bool(rules().recommendation.search(clause)
                or re.search(r"(?:一套|一個|一項|一份|一部)[^,，]{0,20}$", clause))


def _status(text: str, cand: _Candidate) -> str | None:
    r = rules()
    before = re.split(r"[、》」]", text[max(0, cand.start - 12):cand.start])[-1]
    after = re.split(r"[、《「]", text[cand.end:cand.end + 8])[0]
    around = before + cand.title + after
    if "草案" in cand.title or r.proposed.search(around):
        return "proposed"
    if r.adopted.search(around):
        return "adopted"
    return None


def _issuer(text: str, cand: _Candidate) -> str | None:
    orgs = [o for o in _orgs_in(text) if o[1] <= cand.start]
    if not orgs:
        return None
    clause = _clause_start(text, cand.start)
    in_clause = [o for o in orgs if o[0] >= clause]
    if in_clause:
        return in_clause[-1][2]
    first_clause_end = len(text)
    for k in range(len(text)):
        if _clause_start(text, k + 1) == k + 1 and text[k] in ",，;；:：":
            first_clause_end = k
            break
    subject = [o for o in orgs if o[1] <= first_clause_end]
    return subject[0][2] if subject else None


def _jurisdiction(unit: _Unit, cand: _Candidate, spec: dict) -> str | None:
    own = cand.juris or _juris_of(cand.title)
    if own:
        return own
    near = cand.title + re.split(r"[《「]", unit.text[cand.end:cand.end + 80])[0]
    for acronym, code in rules().acronyms.items():
        if re.search(rf"\b{acronym}\b", near):
            return code
    places = [j for s, j in _places_in(unit.text) if s < cand.start]
    if places:
        return places[-1]
    for h in reversed(unit.stack):
        if h.jurisdiction:
            return h.jurisdiction
    return spec.get("jurisdiction")


def _candidates(unit: _Unit, spec: dict) -> list[_Candidate]:
    text = unit.text
    cands = _quoted(text) + _executive_orders(text) + _english_named(text)
    if spec.get("unquoted", True):
        cands += _unquoted(text)
    if unit.context == "heading" and not spec.get("heading_titles", True):
        cands = [c for c in cands if c.quoted]
    elif unit.context in ("heading", "slide"):
        cands += [c for c in _whole_line(unit) if not any(q.quoted for q in cands)]
    # keep the first of overlapping spans (marks first, then by order above)
    kept: list[_Candidate] = []
    for c in cands:
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _clean(title: str) -> str:
    t = _strip_glued_note(title.strip())
    return t.strip(" ,，、;；")


def extract_mentions(ex, lines: list[str], spec: dict) -> None:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Append a ``policy_mentions`` row to ``ex`` for every policy instrument the prose of ``lines`` names,
    and a ``policy_relations`` row for every lifecycle link a sentence states between two of them.

    ``ex`` is a :class:`extractors.core.records.Extraction`; ``lines`` the snapshot lines (1-based locators
    ``L<first>-<last>``); ``spec`` the parsed ``specs/<source_id>.prose.yaml`` ({} when absent): ``mode``
    (prose | slide), ``jurisdiction`` (default when neither sentence nor headings name one),
    ``heading_levels`` / ``heading_patterns`` / ``not_headings`` (what a heading looks like),
    ``skip_sections`` (heading patterns of sections to skip: contents, reference list ...), ``stop``
    (a line pattern after which nothing is read), ``footnote_lines`` / ``skip_lines`` (line patterns to
    ignore), ``lists`` (sections whose lines are instrument names: ``heading``, optional ``status``,
    ``columns`` for tab-separated lists) and ``self`` (the document's own title block, when the document
    is itself an instrument). The rules are in ``rules/prose.yaml``; the method is this module's docstring.
    A naming without a readable jurisdiction is not a row but an ``jurisdiction_unknown`` quality flag.
    Raises nothing for unreadable text: dates it cannot read become quality flags (core.records.add_mention).
    """
    seen: set[tuple[str, str]] = set()
    lists = [(re.compile(x["heading"]), x) for x in spec.get("lists") or []]
    if spec.get("self"):
        _self_title(ex, lines, spec, seen)
    for unit in _units(lines, spec):
        in_list = next((x for p, x in lists if any(p.search(h.text) for h in unit.stack)), None)
        mentions = []
        cands = _candidates(unit, spec)
        for cand in cands:
            title = _clean(cand.title)
            if not title or not _accept(title, cand.quoted, cand.how):
                if not (in_list and cand.how in ("slide", "prose") and _list_item(title)):
                    continue
            if unit.context == "prose" and _recommended(unit.text, cand.start):
                continue
            if _private_issuer(unit.text, cand):
                continue
            juris = _jurisdiction(unit, cand, spec)
            next_issuer = None
            if unit.context == "slide" and not cand.juris and not _juris_of(unit.text):
                next_issuer, next_juris = _issuer_below(lines, unit.lines[-1])
                juris = next_juris or juris
            locator = unit.locator
            if not juris:
                ex.flag("policy_mentions", None, "jurisdiction_unknown",
                        f"{title!r} named without a country in sentence or section", locator, severity="info")
                continue
            key = (locator, title)
            if key in seen:
                continue
            seen.add(key)
            issued = _date_near(unit.text, cand.start, cand.end,
                                [(c.start, c.end) for c in cands if c is not cand])
            if unit.context == "slide":
                m = re.search(r"[(（]\s*(\d{2,4}\.\d{1,2})\s*[)）]", unit.text[cand.end:cand.end + 12])
                issued = m.group(1) if m else issued
            status = (in_list or {}).get("status") or _status(unit.text, cand)
            issuer = _issuer(unit.text, cand) or next_issuer or (in_list and _list_issuer(unit, lines))
            kind = None
            if nz.instrument_type(title) == "bill" and "草案" not in title and \
                    re.search(r"完成立法|全面生效|上路|施行|生效", unit.text[cand.end:]):
                kind, status = "law", "adopted"     # an act the sentence says was passed
            row = add_mention(
                ex, jurisdiction=juris, title_printed=title, locator=locator, context=unit.context,
                issuer=issuer or None,
                issued_printed=issued, text=unit.text, status=status, instrument_type=kind,
                title_en=english_title(title, unit.text[cand.end:]))
            mentions.append((cand, row))
        _relations(ex, unit, mentions)
    for p, x in lists:
        if x.get("columns"):
            _tab_list(ex, lines, p, x, spec, seen)


_ENGLISH_AFTER_RE = re.compile(r"^\s*[((]\s*([A-Za-z][A-Za-z0-9 ,.&'’:/-]{3,150}?)\s*[))]")
_ENGLISH_INSIDE_RE = re.compile(r"[((]\s*([A-Za-z][A-Za-z0-9 ,.&'’:/-]{3,150}?)\s*[))]")


def english_title(title: str, after: str) -> str | None:
    """The English title printed with a Chinese one: in brackets right after it
    (``AI法案(Artificial Intelligence Act)``, 001 L323) or inside it
    (``小企業科技轉型(Small Business Technology Transfer)計劃``, 001 L123-131). Needs two English words, so
    an acronym alone (``(TAIDE)``, ``(GENIAC)``) is not a title. Returns it as printed, or None."""
    for m in (_ENGLISH_AFTER_RE.match(after), _ENGLISH_INSIDE_RE.search(title)):
        if m and len(m.group(1).split()) >= 2:
            return m.group(1).strip()
    if not re.search(rf"[{_CJK}]", title) and len(title.split()) >= 2:
        return title
    return None


def _issuer_below(lines: list[str], last: int) -> tuple[str | None, str | None]:
    """On a slide, the line after a name may say who published it (``英國國家網路安全中心+美國國土安全部 合作發布``):
    (issuer as printed, jurisdiction of its first body), or (None, None)."""
    for n in range(last, min(len(lines), last + 2)):
        s = lines[n].strip()
        if re.search(r"發布|公布", s):
            orgs = _orgs_in(s)
            if orgs:
                issuer = re.sub(r"\s*(?:合作|共同)?(?:發布|公布).*$", "", s).strip()
                return issuer or orgs[0][2], orgs[0][3]
    return None, None


def _list_item(title: str) -> bool:
    """A line of a declared instrument list: a name, not an organisation or a status line."""
    core = re.sub(r"\s", "", title)
    return len(core) >= 8 and not _orgs_in(title) and not re.search(r"預計|已發布|生效", core)


def _list_issuer(unit: _Unit, lines: list[str]) -> str | None:
    """In a list, the issuer is the nearest preceding line that is only an organisation (``- 金管會``)."""
    top = unit.stack[-1].line if unit.stack else 0
    for n in range(unit.lines[0] - 1, max(top, unit.lines[0] - 15), -1):
        s = _BULLET_RE.sub("", lines[n - 1]).strip()
        orgs = _orgs_in(s)
        if orgs and orgs[0][2] == s:
            return s
    return None


def _private_issuer(text: str, cand: _Candidate) -> bool:
    """The nearest body named before the title (in the sentence) is a company or private body."""
    before = text[:cand.start]
    public = [o[0] for o in _orgs_in(before)] + [p for p, _ in _places_in(before)]
    last_org = max(public) if public else -1
    private = list(rules().private.finditer(before))
    return bool(private) and private[-1].start() > last_org


def _relations(ex, unit: _Unit, mentions: list) -> None:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    if len(mentions) < 2:
        return
    text = unit.text
    for rule in rules().relations:
        for (a, ra), (b, rb) in pairwise(mentions):
            if ra["policy_id"] == rb["policy_id"]:
                continue
            gap = text[a.end:b.start]
            pair = None
            if rule.get("between") and re.search(rule["between"], gap):
                pair = (ra, rb)
            elif rule.get("lead"):
                # the cue opens the clause of the title it introduces (為因應 B, ... 推出 A): A <relation> B
                def led(c, lead=rule["lead"]):
                    head = text[_clause_start(text, c.start):c.start]
                    return re.match(rf"^\s*(?:\S{{0,2}})(?:{lead})\s*\S{{0,6}}$", head)
                if led(b) and not led(a):
                    pair = (ra, rb)
                elif led(a) and not led(b):
                    pair = (rb, ra)
            if not pair:
                continue
            src, dst = pair
            key = f"{src['policy_id']}|{rule['relation']}|{dst['policy_id']}"
            ex.rows["policy_relations"].append({
                "relation_id": "rel-" + hashlib.sha1(key.encode()).hexdigest()[:12],
                "policy_id": src["policy_id"], "relation": rule["relation"],
                "related_policy_id": dst["policy_id"], "evidence": text,
                "source_id": ex.source_id, "source_locator": unit.locator,
            })


def _tab_list(ex, lines, heading_re, spec_list, spec, seen) -> None:
    """A tab-separated list of instruments under a heading (a study guide's list of guidelines)."""
    cols = spec_list["columns"]
    inside = False
    for idx, raw in enumerate(lines):
        s = raw.strip()
        if s.startswith("#"):
            inside = bool(heading_re.search(s))
            continue
        if not inside or "\t" not in raw:
            continue
        cells = [c.strip() for c in raw.split("\t")]
        title = cells[cols["title"]] if cols["title"] < len(cells) else ""
        name = re.sub(r"^[^,]*,\s*(?=[A-Z])", "", title) if re.search(r"[A-Za-z]", title) else title
        if not title or not _accept(name, True, "list"):
            continue
        issuer_cell = cells[cols["issuer"]] if cols["issuer"] < len(cells) else ""
        juris = _juris_of(title) or _juris_of(issuer_cell) or spec.get("jurisdiction")
        if _juris_of(title) is None and _juris_of(issuer_cell) is None and re.search(r"[A-Za-z]{4}", title):
            juris = None                     # a foreign guideline whose country the list does not print
        n = idx + 1
        if not juris:
            ex.flag("policy_mentions", None, "jurisdiction_unknown", f"{title!r}: no country printed",
                    f"L{n}-{n}", severity="info")
            continue
        date = re.search(r"(\d{3}\s*年\s*\d{1,2}\s*月|[A-Z][a-z]+\.? ?\d{1,2}, \d{4}|\d{4})", issuer_cell)
        issued = date.group(1) if date and re.search(r"年", date.group(1)) else None
        # an English date (``Nov. 22, 2023``) is not read by normalise.parse_date: left out
        issuer = re.sub(r"\s*(?:\d{3}\s*年\s*\d{1,2}\s*月版|\(.*\)|（.*）)\s*", "", issuer_cell).strip() or None
        prefix = re.match(r"^([^,]+),\s*(?=[A-Z])", title) if name != title else None
        if prefix:
            issuer = prefix.group(1)           # ``Cabinet Office of UK, Guidance ...``: the issuer prints first
        if (f"L{n}-{n}", name) in seen:
            continue
        seen.add((f"L{n}-{n}", name))
        add_mention(ex, jurisdiction=juris, title_printed=name, locator=f"L{n}-{n}", context="reference_list",
                            title_en=name if not re.search(rf"[{_CJK}]", name) else None,
                            issuer=issuer, issued_printed=issued, text=raw.strip(),
                            status="proposed" if "草案" in title else None)


_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"], 1)}


def _english_date(text: str) -> str | None:
    """``Nov. 22, 2023`` -> ``2023年11月22日`` is not printed; keep the year only (as printed)."""
    m = re.search(r"(\d{4})", text)
    return m.group(1) if m else None


def _self_title(ex, lines: list[str], spec: dict, seen: set) -> None:
    """The document's own title block (``self: {until: <line pattern>}``): a programme plan names itself."""
    cfg = spec["self"]
    until = re.compile(cfg["until"])
    parts, first, last = [], None, None
    for idx, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        if until.search(s):
            break
        first = first or idx + 1
        last = idx + 1
        parts.append(s)
    if not parts:
        return
    issuer_re = re.compile(cfg.get("issuer", r"^$"))
    title_parts = [p for p in parts if not issuer_re.search(p) and not re.search(r"^\(.*\)$|^\d{3}年", p)]
    title = "".join(title_parts)
    issuer = next((p for p in parts if issuer_re.search(p)), None)
    date = next((p for p in parts if re.search(r"^\d{3}\s*年\s*\d{1,2}\s*月$", p)), None)
    locator = f"L{first}-{last}"
    seen.add((locator, title))
    add_mention(ex, jurisdiction=spec.get("jurisdiction"), title_printed=title, locator=locator,
                        context="heading", issuer=issuer, issued_printed=date, text=" ".join(parts),
                        status=cfg.get("status"))
