"""Reading the XML answers of law.go.kr's Open API (type=XML), as the recorded responses show them.

- **Search** (``lawSearch.do``): ``<LawSearch>`` with ``target``, ``totalCnt``, ``resultCode`` (``00``; the
  elaw answer has none) and one ``<law id="n">`` per version. In the eflaw index (target=eflaw) a version has
  법령일련번호 (MST), 현행연혁코드 (시행예정 scheduled / 현행 current / 연혁 historical), 법령명한글, 법령약칭명,
  법령ID, 공포일자 and 시행일자 (YYYYMMDD), 공포번호, 제개정구분명 (제정, 일부개정, 타법개정 ...), 법령구분명
  (법률, 대통령령 ...), 소관부처명. In the elaw index the English name 법령명영문 is a CDATA holding the search
  page's highlight HTML (``<strong class="tbl_tx_type">FRAMEWORK</strong> ... CREATI<strong ...>ON</strong>``):
  the tags are dropped with BeautifulSoup's ``get_text`` and nothing else is changed (the Decree's recorded
  name keeps its typo, "ENFORCEMENT DECRFEE").
- **Text** (``lawService.do target=eflaw``): ``<법령>`` whose ``<기본정보>`` gives 법령ID, 공포일자, 공포번호,
  시행일자, 법령명_한글, 법령명_영어 and 조문시행일자문자열 / 별표시행일자문자열: the articles (annexes) that
  take effect on another date, as ``20260721:제3조제5항,제6조제2항제7호,...`` (several dates are separated by
  white space: "20260212:제47조의3제1항, 제92조제1항  20260621:제27조의2", as other users of the API document
  it). The consolidated text also prints notes ``[시행일: 2026.1.24] 제2조제4호라목 중 ...`` under the provisions
  that take effect on their own date (they name parts the string may leave out, e.g. 제16조제3항부터 제5항까지).

Errors: :class:`LawXmlError` (``field`` names the missing element) for an answer without what is read here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from extractors.core import xmlread

INDEX_FIELDS = ("법령일련번호", "현행연혁코드", "법령명한글", "법령ID", "공포일자", "공포번호", "제개정구분명",
                "법령구분명", "시행일자")
ENGLISH_FIELDS = ("법령일련번호", "법령ID", "법령명영문")
TEXT_FIELDS = ("법령ID", "공포일자", "공포번호", "시행일자", "법령명_한글")
SCHEDULE_FIELDS = ("조문시행일자문자열", "별표시행일자문자열")
_GROUP = re.compile(r"(\d{8})\s*:")
_NOTE = re.compile(r"\[시행일:\s*(\d{4}\.\s*\d{1,2}\.\s*\d{1,2})\.?\]\s*(.+?)\s*(?:\]\]>|$)")


class LawXmlError(ValueError):
    """An answer that lacks what is read (``field``: the missing element, or None when it is not XML)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Row:
    """One ``<law>`` of a search answer: its fields (element name -> text) and 1-based position."""

    position: int
    fields: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.fields.get(name) or ""

    def locator(self, file: str) -> str:
        """``index/eflaw.xml #/LawSearch/law[2]`` (the answer is one line, so the element's position)."""
        return f"{file} #/LawSearch/law[{self.position}]"


@dataclass(frozen=True)
class Answer:
    """A search answer: ``target``, ``total`` (totalCnt), ``result`` (resultCode, None when absent), rows."""

    target: str
    total: int
    result: str | None
    message: str | None
    rows: tuple[Row, ...]


def read_search(body: bytes, required: tuple[str, ...]) -> Answer:
    """The rows of a lawSearch.do answer, each checked for ``required`` fields. Raises LawXmlError."""
    try:
        root, _ = xmlread.parse(body)
    except xmlread.XmlError as exc:
        raise LawXmlError(f"the answer is not the API's XML ({exc}); law.go.kr answers a missing or "
                          f"unregistered OC with a login page") from exc
    if root.tag != "LawSearch":
        raise LawXmlError(f"the answer's root is <{root.tag}>, not <LawSearch>", "LawSearch")
    rows = []
    for i, law in enumerate(root.findall("law"), 1):
        fields = {child.tag: xmlread.text_of(child) or "" for child in law}
        missing = [f for f in required if f not in fields]
        if missing:
            raise LawXmlError(f"<law id={law.get('id')!r}> has no <{missing[0]}>", missing[0])
        rows.append(Row(i, fields))
    total = xmlread.child_text(root, "totalCnt")
    if total is None or not total.isdigit():
        raise LawXmlError("the answer has no numeric <totalCnt>", "totalCnt")
    return Answer(xmlread.child_text(root, "target") or "", int(total), xmlread.child_text(root, "resultCode"),
                  xmlread.child_text(root, "resultMsg"), tuple(rows))


def english_name(recorded: str) -> str:
    """The English name of an elaw row with the highlight HTML dropped (tags only; text and spaces as recorded)."""
    return BeautifulSoup(recorded, "html.parser").get_text().strip()


@dataclass(frozen=True)
class Scheduled:
    """A part of a law that takes effect on its own date: ``scope`` as printed ("제3조제5항"), the date as
    printed (``20260721`` in the string, ``2026.1.24`` in a note), the line, and the printed ``text``."""

    scope: str
    printed: str
    line: int
    text: str


@dataclass(frozen=True)
class LawText:
    """What a version's text says about the version: the 기본정보 fields and its scheduled parts."""

    fields: dict[str, str]
    scheduled: tuple[Scheduled, ...]
    notes: tuple[Scheduled, ...]

    def __getitem__(self, name: str) -> str:
        return self.fields.get(name) or ""


def schedule(value: str, line: int) -> list[Scheduled]:
    """One Scheduled per article (annex) of a 조문시행일자문자열 / 별표시행일자문자열 value (see module docstring)."""
    parts = _GROUP.split(value or "")
    out = []
    for date, refs in zip(parts[1::2], parts[2::2], strict=True):
        for ref in refs.split(","):
            if ref.strip():
                out.append(Scheduled(ref.strip(), date, line, f"{date}:{refs.strip()}"))
    return out


def notes(body: bytes) -> list[Scheduled]:
    """The ``[시행일: ...]`` notes of a text, each with its line (read line by line from the bytes)."""
    out = []
    for no, line in enumerate(body.decode("utf-8-sig").splitlines(), 1):
        for m in _NOTE.finditer(line):
            out.append(Scheduled(m.group(2), m.group(1), no, m.group(0).removesuffix("]]>").strip()))
    return out


def read_text(body: bytes) -> LawText:
    """The 기본정보 and scheduled parts of a lawService.do eflaw answer. Raises LawXmlError for an answer that
    is not a law text (law.go.kr answers an unknown MST with ``<Law>일치하는 법령이 없습니다 ...</Law>``)."""
    try:
        root, lines = xmlread.parse(body)
    except xmlread.XmlError as exc:
        raise LawXmlError(f"the answer is not the API's XML ({exc})") from exc
    info = root.find("기본정보")
    if root.tag != "법령" or info is None:
        said = (xmlread.text_of(root) or "")[:120]
        raise LawXmlError(f"the answer is <{root.tag}> {said!r}, not a law text (<법령><기본정보>)", "기본정보")
    fields = {child.tag: xmlread.text_of(child) or "" for child in info}
    missing = [f for f in TEXT_FIELDS if f not in fields]
    if missing:
        raise LawXmlError(f"<기본정보> has no <{missing[0]}>", missing[0])
    scheduled = []
    for name in SCHEDULE_FIELDS:
        elem = info.find(name)
        if elem is not None:
            scheduled += schedule(fields[name], lines[elem])
    return LawText(fields, tuple(scheduled), tuple(notes(body)))
