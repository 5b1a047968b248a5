"""Reading a full-text XML of the Federal Register (``/documents/full_text/xml/YYYY/MM/DD/<doc>.xml``).

The XML is the Federal Register's own markup of a presidential document (``<PRESDOCU><EXECORD>`` for an
executive order): ``<EXECORDR>Executive Order 14148 of January 20, 2025</EXECORDR>`` (number and signing date
as printed), ``<HD SOURCE="HED">`` the title, ``<PRES>`` "The President" (not printed on every document),
``<PRTPAGE P="8237"/>`` the page breaks (the first is the first page), ``<FRDOC>[FR Doc. 2025-01901`` the
document number, then the sections as ``<FP>`` / ``<P>`` paragraphs. The file is parsed with the standard
library's expat, keeping the line each element starts on (a locator is ``full_text/2025-01901.xml L87``);
a document type declaration (the door to entity expansion) is refused.

**Relations from the text.** A paragraph matching a cue of ``rules.yaml`` ``text_cues`` ("The following
executive actions are hereby revoked:") states that relation from this order to the orders it names, or, when
it ends with ":", to the orders named by the lettered items after it, up to the first paragraph that is not
such an item (EO 14148 sec. 2 lists 78: 67 executive orders and 11 presidential memoranda; item (ggg) is
"Executive Order 14110 of October 30, 2023 (Safe, Secure, and Trustworthy Development and Use of Artificial
Intelligence)").
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_ORDER_RE = re.compile(r"Executive Order (\d+)(?: of ((?:%s) \d{1,2}, \d{4}))?" % "|".join(MONTHS))
_MEMO_RE = re.compile(r"(?:Presidential )?Memorandum of (?:%s) \d{1,2}, \d{4}" % "|".join(MONTHS))
_DATE_RE = re.compile(r"(%s) (\d{1,2}), (\d{4})" % "|".join(MONTHS))
_FRDOC_RE = re.compile(r"FR Doc\.\s*([0-9A-Za-z-]+)")
_ITEM_RE = re.compile(r"^\((?:[a-z]{1,3}|[ivxl]+|\d+)\)\s")
_PARENS_RE = re.compile(r"\([^()]*\)")


class FullTextError(ValueError):
    """A full text that cannot be read as Federal Register XML."""


@dataclass(frozen=True)
class Statement:
    """One relation a document states: ``subject`` ``relation`` ``object``, both EO numbers (None for a document
    without one, e.g. a presidential memorandum). ``related_printed`` names the other document as printed
    ("Executive Order 14110 of October 30, 2023", "EO 14148, January 20, 2025"), ``evidence`` is the printed
    text, ``locator`` where it is, ``group`` the locator of the paragraph or note that states it, ``partial`` a
    relation stated "in part"."""

    subject: str | None
    relation: str
    object: str | None
    related_printed: str
    evidence: str
    locator: str
    group: str
    partial: bool = False


@dataclass
class FullText:
    """What a full text prints about its document (None where it prints nothing)."""

    subtype: str | None
    eo_number: str | None
    order_line: str | None          # "Executive Order 14110 of October 30, 2023"
    order_line_no: int | None
    signed_printed: str | None      # "October 30, 2023"
    title: str | None
    president: str | None           # "The President"
    first_page: int | None
    frdoc: str | None
    statements: list[Statement] = field(default_factory=list)


def iso_date(printed: str | None) -> str | None:
    """``October 30, 2023`` (as the Federal Register prints dates) -> ``2023-10-30``; None when not such a date."""
    m = _DATE_RE.search(printed or "")
    if not m:
        return None
    return f"{int(m.group(3)):04d}-{MONTHS.index(m.group(1)) + 1:02d}-{int(m.group(2)):02d}"


def printed_date(text: str | None) -> str | None:
    """The first date in ``text`` as the Federal Register prints it ("January 20, 2025"), or None."""
    m = _DATE_RE.search(text or "")
    return m.group(0) if m else None


def parse(body: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """(root element, {element: line it starts on}). Raises FullTextError for XML that is not well formed or
    declares a document type."""
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag, attrs):
        lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

    def refuse(*_args):
        raise FullTextError("a document type declaration is not accepted in a full text")

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise FullTextError(f"not well-formed XML ({exc})") from exc
    return builder.close(), lines


def text_of(elem: ET.Element) -> str:
    """The element's text with the XML layout's whitespace collapsed (and none before punctuation)."""
    return re.sub(r"\s+([.,;:)])", r"\1", " ".join("".join(elem.itertext()).split()))


def _first(root: ET.Element, tag: str, **attrs: str) -> ET.Element | None:
    return next((e for e in root.iter(tag) if all(e.get(k) == v for k, v in attrs.items())), None)


def read(body: bytes, name: str, subtypes: dict[str, str], cues: list[dict]) -> FullText:
    """The header and the stated relations of one full text; ``name`` is its file name in the version
    (``full_text/2025-01901.xml``), ``subtypes`` maps the document element to a subtype, ``cues`` are
    ``rules.yaml`` ``text_cues``. Raises FullTextError (see :func:`parse`)."""
    root, lines = parse(body)
    doc = next(iter(root), None)
    order, title, pres, page, frdoc, date = (_first(root, "EXECORDR"), _first(root, "HD", SOURCE="HED"),
                                             _first(root, "PRES"), _first(root, "PRTPAGE"), _first(root, "FRDOC"),
                                             _first(root, "DATE"))
    order_line = text_of(order) if order is not None else None
    m = _ORDER_RE.search(order_line or "")
    frdoc_m = _FRDOC_RE.search(text_of(frdoc)) if frdoc is not None else None
    page_no = page.get("P") if page is not None else None
    ft = FullText(
        subtype=subtypes.get(doc.tag) if doc is not None else None, eo_number=m.group(1) if m else None,
        order_line=order_line, order_line_no=lines.get(order) if order is not None else None,
        signed_printed=(m.group(2) if m and m.group(2) else (text_of(date).rstrip(".") if date is not None
                                                              else None)),
        title=text_of(title) if title is not None else None,
        president=text_of(pres) or None if pres is not None else None,
        first_page=int(page_no) if page_no and page_no.isdigit() else None,
        frdoc=frdoc_m.group(1) if frdoc_m else None)
    ft.statements = _statements(root, lines, name, ft.eo_number, cues)
    return ft


def _targets(text: str, own: str | None) -> list[tuple[str | None, str]]:
    """(EO number or None, printed name) of each document a paragraph names outside parentheses (a title in
    parentheses may name another order: "(ll) Executive Order 14044 ... (Amending Executive Order 14007)"):
    executive orders other than ``own``, else a presidential memorandum."""
    while _PARENS_RE.search(text):
        text = _PARENS_RE.sub("", text)
    orders = [(m.group(1), m.group(0)) for m in _ORDER_RE.finditer(text) if m.group(1) != own]
    if orders:
        return orders
    memo = _MEMO_RE.search(text)
    return [(None, memo.group(0))] if memo else []


def _statements(root: ET.Element, lines: dict, name: str, own: str | None, cues: list[dict]) -> list[Statement]:
    paragraphs = [e for e in root.iter() if e.tag in ("P", "FP")]
    found: list[Statement] = []
    for i, para in enumerate(paragraphs):
        text = text_of(para)
        cue = next((c for c in cues if re.search(c["pattern"], text)), None)
        if cue is None:
            continue
        group = f"{name} L{lines[para]}"
        if not text.endswith(":"):
            found += [Statement(own, cue["relation"], eo, printed, text, group, group)
                      for eo, printed in _targets(text, own)]
            continue
        for item in paragraphs[i + 1:]:
            item_text = text_of(item)
            if not _ITEM_RE.match(item_text):
                break
            found += [Statement(own, cue["relation"], eo, printed, f"{text} {item_text}",
                                f"{name} L{lines[item]}", group) for eo, printed in _targets(item_text, own)]
    return found
