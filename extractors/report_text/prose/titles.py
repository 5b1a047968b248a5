"""Titles: whether a printed title names an instrument (``accept``), its cleaned form and its English
title; the words come from ``rules/prose.yaml``."""
from __future__ import annotations

import re

from extractors.report_text.prose.rules import CJK, rules

_GLUED_NOTE_RE = re.compile(r"(?<=[\u3400-\u9fffA-Za-z》」])\s*(?:[¹²³⁰⁴-⁹]+|(?<![\d.])\d{1,4})$")
_QUANTIFIER_RE = re.compile(r"^(?:\d+\s*[條項大個億家]|[一二三四五六七八九十兩]+\s*[項大個條]|多項|許多|各種|各項|相關|"
                            r"該|本|其|此|自家|前述|前期|一項|一套)")
_PARTICLE_RE = re.compile(r"[的之了與及和或來]|進行|建立|制定|訂定|透過|提供|結合|相關|所需|針對|關於|有關")
_HEADING_VERB_RE = re.compile(r"研究|方法|現況|趨勢|挑戰|影響|小結|結論|建議|進展|項目|提供|推動|設立|建立|"
                              r"新增|延續|討論|重視|成立|發展|面臨|制定|訂定|透過|啟用|要求|積極|"
                              r"著手|帶動|強化|推出|促進|加速")
_ENGLISH_AFTER_RE = re.compile(r"^[」』》〉”\s]*[(（]\s*([A-Za-z][A-Za-z0-9 ,.&'’:/-]{3,150}?)\s*[)）]")
_ENGLISH_INSIDE_RE = re.compile(r"[(（]\s*([A-Za-z][A-Za-z0-9 ,.&'’:/-]{3,150}?)\s*[)）]")


def strip_glued_note(title: str) -> str:
    """``法案³`` / ``法案12`` / ``路線圖 1258`` -> without the footnote number; a year (2024) is kept."""
    m = _GLUED_NOTE_RE.search(title)
    if not m:
        return title
    digits = m.group(0).strip()
    if re.fullmatch(r"(?:19|20)\d{2}", digits):
        return title
    return title[:m.start()].rstrip()


def clean_title(title: str) -> str:
    """A title as a mention prints it: without a glued footnote number and surrounding punctuation."""
    t = strip_glued_note(title.strip())
    return t.strip(" ,，、;；")


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
    """Whether the core ends with an instrument word (weak words count in marks), or names one before a
    subtitle; an unmarked 法 counts only after 基本 / 保護 ... ."""
    r = rules()
    words = r.strong + (("|" + r.weak) if quoted else "")
    if re.search(rf"(?:{words})$", core, re.IGNORECASE):
        if not quoted and core.endswith("法") and not re.search(rf"(?:{r.strong.replace('|法|', '|')})$", core):
            return bool(re.search(r"(?:基本|保護|安全|促進|管理|發展|振興|倡議)法$", core))
        return True
    # a subtitle after the instrument's name: 人工智慧風險管理架構:生成式人工智慧簡介
    m = re.match(rf"^(.+?)\s*{r.subtitle}", core)
    return bool(m) and bool(re.search(rf"(?:{r.strong})\s*(?:\d+(?:\.\d+)*\s*版)?$", m.group(1), re.IGNORECASE))


def _judged_core(title: str) -> str:
    """The core a title is judged by; a bracketed instrument word at its end counts (開發和使用AI (行政命令))."""
    if re.search(rf"[(（]\s*(?:{rules().strong})\s*[)）]$", title):
        return re.sub(r"\s*[(（]\s*(\S+?)\s*[)）]$", r"\1", title)
    return _core(title)


def _too_short(core: str) -> bool:
    """One character, or two that are not a law (AI 法)."""
    size = len(re.sub(r"\s", "", core))
    return size < 2 or size < 3 and not core.endswith("法")


def _bracketed_or_institution(core: str, how: str) -> bool:
    """A name before its English name, or an institution set up: no quantity, no company."""
    r = rules()
    if how == "english":
        return not _QUANTIFIER_RE.match(re.sub(r"\s", "", core)) and not r.private.search(core)
    return bool(re.search(rf"(?:{r.institutions})$", core)) and not _QUANTIFIER_RE.match(core) \
        and not r.private.search(core)


def _ends_as_instrument(core: str, marked: bool) -> bool:
    """Ends with an instrument word, or is an English title with an instrument word anywhere (it may stand first)."""
    r = rules()
    if _ends_with_instrument(core, marked):
        return True
    return bool(re.search(r"[A-Za-z]{4}", core) and not re.search(rf"[{CJK}]", core)
                and re.search(rf"\b(?:{r.english_heads})\b", core, re.IGNORECASE))


def _head_not_instrument(core: str) -> bool:
    """The title's head noun is a report, event or term (``not_instrument`` after the last instrument word)."""
    r = rules()
    last_word = list(re.finditer(rf"(?:{r.strong}|{r.weak})", core, re.IGNORECASE))
    return any(not last_word or m.end() >= last_word[-1].end() for m in r.not_instrument.finditer(core))


def _bare(core: str) -> str:
    """The core without spaces and a leading organisation (行政院臺灣AI行動計畫 -> 臺灣AI行動計畫)."""
    bare = re.sub(r"\s", "", core)
    for name, _ in rules().orgs:
        bare = bare.removeprefix(re.sub(r"\s", "", name))
    return bare


def _marked_name(core: str, bare: str) -> bool:
    """A name its author marked: rejected only when it is a sentence, a bare kind of instrument (「暫行辦法」)
    or a verb phrase (「制定 AI 治理規範」); a programme named by what it pushes (「推動…計畫」) is a name."""
    r = rules()
    if re.search(r"[，,。；;]", core):
        return False                  # a quoted sentence or instruction, not a name
    if re.fullmatch(rf"(?:暫行)?(?:{r.strong}|{r.weak})", bare):
        return False
    # a programme is often named by what it pushes (003 L447 「推動各產業導入生成式 AI 先期計畫」, 113 年推動… at
    # L602): a marked name opening with 推動 and ending with a programme word is a name, not a verb phrase
    if re.match(r"^推動", bare) and re.search(r"(?:計畫|計劃|方案|專案)$", bare) and len(bare) >= 8:
        return True
    return not re.match(r"^(?:制定|建立|完善|培育|推動|加速|強化|槓桿|落實)", bare)


def _specific(bare: str, how: str) -> bool:
    """A name printed without marks must be specific: Latin letters or digits in it (AI 工廠計畫,
    臺灣 AI 行動計畫 2.0), or a law's name (人工智慧基本法), or a long name on a slide or list line."""
    if how == "unquoted" and _PARTICLE_RE.search(bare):
        return False
    head = re.sub(rf"(?:{rules().strong})$", "", bare, flags=re.IGNORECASE)
    if how == "unquoted" and not (re.search(r"[A-Za-z0-9]", head) or re.search(r"(?:法|法案|條例)$", bare)
                                  or len(bare) >= 7 and re.match(r"(?:人工智慧|生成式|智慧|數位)", bare)
                                  and re.search(r"(?:框架|架構|指引|準則)$", bare)):
        return False
    return len(head) >= 2


def _unmarked_name(core: str, bare: str, how: str) -> bool:
    """A name printed without marks: no quantity or generic phrase, and specific enough for how it was found."""
    bare = re.sub(r"^(?:美國|歐盟|日本|中國|韓國|南韓|英國|臺灣|台灣|我國)", "", bare)
    if _QUANTIFIER_RE.match(bare) or how != "labelled" and rules().generic.match(bare):
        return False
    if how == "heading":
        return not _HEADING_VERB_RE.search(core)
    if how in ("unquoted", "slide", "list", "labelled"):
        return _specific(bare, how)
    return True


def _named_by_context(core: str, how: str) -> bool:
    """A title in marks the words around it name as an instrument (candidates._marked_kind): a programme after
    its kind (appositive) or operated by a public body (platform), a view with its issuing body (view; the
    core must end with a ``views`` word). A sentence, a bare kind, a company's name or a report is not one."""
    r = rules()
    if how == "view" and not re.search(rf"(?:{r.views})$", core):
        return False
    if r.private.search(core) or how != "view" and _head_not_instrument(core):
        return False
    return _marked_name(core, _bare(core))


def _told_kind(core: str) -> bool:
    """A name whose kind the words around it tell (prose/named.py: a fund or programme set up, a system a public body
    builds, a successor): not a company's, no quantity, no sentence."""
    return not rules().private.search(core) and not _QUANTIFIER_RE.match(re.sub(r"\s", "", core)) \
        and not re.search(r"[，,。；;]", core)


def accept(title: str, quoted: bool, how: str) -> bool:
    """Whether a printed title names an instrument (``rules/prose.yaml``; the method in the package docstring).
    ``how``: how the title was found (quoted, appositive, platform, view, unclosed, executive_order, english,
    institution, unquoted, set_up, built, successor, heading, slide, labelled, list)."""
    core = _judged_core(title)
    if how != "executive_order" and _too_short(core):
        return False
    if how in ("appositive", "platform", "view"):
        return _named_by_context(core, how)
    if how in ("set_up", "built", "successor"):
        return _told_kind(core)
    if how in ("english", "institution"):
        return _bracketed_or_institution(core, how)
    if how != "executive_order" and not _ends_as_instrument(core, quoted or how == "labelled"):
        return False
    if _head_not_instrument(core) or rules().private.search(core):
        return False
    bare = _bare(core)
    return _marked_name(core, bare) if quoted else _unmarked_name(core, bare, how)


def english_title(title: str, after: str) -> str | None:
    """The English title printed with a Chinese one: in brackets right after it
    (``AI法案(Artificial Intelligence Act)``, 001 L323; after the closing title mark:
    ``《人工智慧倡議法》（National Artificial Intelligence Initiative Act）``, 001 L123) or inside it
    (``小企業科技轉型(Small Business Technology Transfer)計劃``, 001 L123-131). Needs two English words, so
    an acronym alone (``(TAIDE)``, ``(GENIAC)``) is not a title. Returns it as printed, or None."""
    for m in (_ENGLISH_AFTER_RE.match(after), _ENGLISH_INSIDE_RE.search(title)):
        if m and len(m.group(1).split()) >= 2:
            return m.group(1).strip()
    if not re.search(rf"[{CJK}]", title) and len(title.split()) >= 2:
        return title
    return None
