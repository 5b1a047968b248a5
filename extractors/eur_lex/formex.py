"""Reading the Official Journal's Formex 4 publication metadata of an act (``formex/<CELEX>/*.fmx.xml``).

A Formex package (CELLAR content negotiation ``Accept: application/zip;mtype=fmx4`` on the act's work) holds,
besides the text, two small metadata files; this source keeps those two:

- ``L_<year><number>EN.doc.fmx.xml`` (root ``DOC``): ``BIB.DOC`` with ``NO.DOC`` (``YEAR``, ``NO.CURRENT``: the
  act's number in the OJ L series since October 2023, ``2024/1689``) and ``NO.ELI`` (its ELI), ``PUBLICATION.REF``
  (``COLL`` L and the OJ ``DATE``), ``DOC.MAIN.PUB`` (``LEGAL.VALUE`` REG/DIR/DEC, the ``DATE`` of the document),
  and the printed title (``PDF/ITEM.VOLUME/TITLE/TI``; its ``NOTE`` "Text with EEA relevance." is a footnote, not
  part of the title);
- ``L_<year><number>EN.toc.fmx.xml`` (root ``PUBLICATION``): ``BIB.OJ`` with the OJ issue's ``DATE`` as printed
  ("12 July 2024") and its ``ISO`` attribute.

Every ``DATE`` element carries an ``ISO`` attribute (``20240712``); the printed text can hold a NO-BREAK SPACE
(Regulation (EU) 2026/1744's title prints "8\\u00a0July 2026"), so dates are read from the attribute and printed
text is kept as printed. A file that is not well-formed XML or lacks an element read here raises FormexError.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass


class FormexError(ValueError):
    """A Formex file that cannot be read: the message names the file and the element."""


@dataclass(frozen=True)
class Date:
    """A Formex DATE: ``iso`` as recorded (``20240712``), ``printed`` text, and the date it gives."""

    iso: str
    printed: str

    @property
    def on(self) -> dt.date:
        return dt.datetime.strptime(self.iso, "%Y%m%d").date()


@dataclass(frozen=True)
class Document:
    """What ``*.doc.fmx.xml`` says: OJ number (``year``, ``number`` as printed), ``eli``, ``collection`` (L),
    ``published`` (OJ date), ``legal_value`` (REG), ``dated`` (date of the document), ``title`` as printed
    (without the footnote), ``amended``: the acts the title says the act amends (``2024/1689``)."""

    year: str
    number: str
    eli: str | None
    collection: str
    published: Date
    legal_value: str | None
    dated: Date | None
    title: str
    amended: tuple[str, ...]


@dataclass(frozen=True)
class Issue:
    """What ``*.toc.fmx.xml`` says about the OJ issue: ``collection``, ``year``/``number``, ``published``."""

    collection: str
    year: str
    number: str
    published: Date


def _root(body: bytes, name: str, tag: str) -> ET.Element:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FormexError(f"{name}: not well-formed XML ({exc})") from exc
    if root.tag != tag:
        raise FormexError(f"{name}: root element is {root.tag}, expected {tag}")
    return root


def _find(node: ET.Element, path: str, name: str) -> ET.Element:
    found = node.find(path)
    if found is None:
        raise FormexError(f"{name}: no {path} element")
    return found


def _text(node: ET.Element, path: str, name: str) -> str:
    return "".join(_find(node, path, name).itertext()).strip()


def _date(node: ET.Element | None, name: str) -> Date | None:
    if node is None:
        return None
    iso = node.get("ISO") or ""
    if not re.fullmatch(r"\d{8}", iso):
        raise FormexError(f"{name}: DATE without an ISO attribute of eight digits ({iso!r})")
    return Date(iso, "".join(node.itertext()).strip())


def title_text(ti: ET.Element) -> str:
    """The printed title: the text of ``TI`` without its NOTE elements (footnotes), spaces as printed."""
    parts: list[str] = []

    def walk(el: ET.Element) -> None:
        if el.tag == "NOTE":
            parts.append(el.tail or "")
            return
        parts.append(el.text or "")
        for child in el:
            walk(child)
        parts.append(el.tail or "")

    for p in ti:
        walk(p)
    return re.sub(r"[ \t\r\n]+", " ", "".join(parts)).strip()


# "amending Regulations (EU) 2024/1689, (EU) 2018/1139 and (EU) 2023/1230 as regards ...": the acts an amending
# act names. Since 2015 numbers print (EU) year/number; before, regulations print (EC) No number/year and
# directives year/number/EU (2014/90/EU). \s also matches the NO-BREAK SPACE the Official Journal prints.
_AMENDING_RE = re.compile(r"\bamending\b(.*?)(?:\bas regards\b|\band repealing\b|$)")
_REFERENCE_RE = re.compile(r"\((?:EU|EC|EU, Euratom|Euratom)\)\s(No\s)?(\d+)/(\d+)|\b(\d{4})/(\d+)/(?:EU|EC|EEC)\b")


def amended_references(title: str) -> tuple[str, ...]:
    """The acts a title says the act amends, as ``year/number`` (``2024/1689``; ``(EU) No 167/2013`` ->
    ``2013/167``; ``2014/90/EU`` -> ``2014/90``), in printed order."""
    m = _AMENDING_RE.search(title)
    if not m:
        return ()
    out = []
    for old, a, b, year, number in _REFERENCE_RE.findall(m.group(1)):
        out.append(f"{year}/{number}" if year else f"{b}/{a}" if old else f"{a}/{b}")
    return tuple(out)


def read_document(body: bytes, name: str) -> Document:
    """The ``doc.fmx.xml`` metadata (see :class:`Document`). Raises FormexError."""
    root = _root(body, name, "DOC")
    bib = _find(root, "BIB.DOC", name)
    eli = bib.find("NO.ELI")
    main = _find(root, "FMX/DOC.MAIN.PUB", name)
    legal = main.find("LEGAL.VALUE")
    title = title_text(_find(root, "PDF/ITEM.VOLUME/TITLE/TI", name))
    return Document(year=_text(bib, "NO.DOC/YEAR", name), number=_text(bib, "NO.DOC/NO.CURRENT", name),
                    eli=eli.get("ID") if eli is not None else None,
                    collection=_text(root, "PUBLICATION.REF/COLL", name),
                    published=_date(_find(root, "PUBLICATION.REF/DATE", name), name),
                    legal_value=legal.text.strip() if legal is not None and legal.text else None,
                    dated=_date(main.find("DATE"), name), title=title, amended=amended_references(title))


def read_issue(body: bytes, name: str) -> Issue:
    """The ``toc.fmx.xml`` metadata of the OJ issue (see :class:`Issue`). Raises FormexError."""
    bib = _find(_root(body, name, "PUBLICATION"), "OJ/BIB.OJ", name)
    return Issue(collection=_text(bib, "COLL", name), year=_text(bib, "NO.DOC/YEAR", name),
                 number=_text(bib, "NO.DOC/NO.CURRENT", name), published=_date(_find(bib, "DATE", name), name))
