"""Reading the answers of the e-Gov law API v2 and the Japanese Law Translation XML, as recorded.

- **Revisions** (``/api/2/law_revisions/<law_id>``, JSON): ``law_info`` (``law_id``, ``law_type`` "Act",
  ``law_num`` "令和七年法律第五十三号", ``promulgation_date`` "2025-06-04") and ``revisions``, newest first, each
  a state of the law: ``law_revision_id``, ``law_title``, ``abbrev``, ``amendment_promulgate_date``,
  ``amendment_enforcement_date`` (from when that state applies), ``amendment_law_id`` / ``_num`` / ``_title``
  (the amending law; null for the law's own states), ``repeal_status`` ("None" ...), ``repeal_date``,
  ``current_revision_status`` (``CurrentEnforced``, ``PreviousEnforced`` ...).
- **Law XML** (``/api/2/law_file/xml/<law_id>``): ``<Law Era Year Num ...><LawNum>`` and ``<LawBody><LawTitle>``;
  the law's own 附則 (supplementary provisions) is the ``<SupplProvision>`` without ``AmendLawNum``; its first
  paragraph (第一条 施行期日) says when the law takes effect: a ``<Sentence Function="main">`` ("この法律は、公布の日
  から施行する。") and, for parts that take effect later, ``<Sentence Function="proviso">`` ("ただし、第三章及び
  第四章並びに附則第三条及び第四条の規定は、…政令で定める日から施行する。"): the parts named are the scope.
- **English reference** (Japanese Law Translation Database, ``<Law Era Year Num>`` with a DOCTYPE and a BOM):
  ``<LawBody><LawTitle>``, the English title.

Errors: :class:`EgovError` (``field`` names a missing key or element; None when the body cannot be read).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from extractors.core import xmlread

INFO_KEYS = ("law_id", "law_type", "law_num", "promulgation_date")
REVISION_KEYS = ("law_revision_id", "law_title", "amendment_promulgate_date", "amendment_enforcement_date",
                 "amendment_law_id", "amendment_law_num", "amendment_law_title", "repeal_status", "repeal_date",
                 "current_revision_status")
_PROVISO = re.compile(r"^ただし、(?P<scope>.+?)の規定は、(?P<when>.+?)から施行する。$")


class EgovError(ValueError):
    """An answer without what is read here; ``field`` names the missing key or element."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def read_revisions(body: bytes) -> dict:
    """The revisions JSON, checked for every key of INFO_KEYS and REVISION_KEYS. Raises EgovError."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EgovError(f"the revisions answer is not JSON ({exc})") from exc
    info = data.get("law_info") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        raise EgovError("the revisions answer has no 'law_info' object", "law_info")
    if not isinstance(data.get("revisions"), list) or not data["revisions"]:
        raise EgovError("the revisions answer has no 'revisions' list", "revisions")
    for key in INFO_KEYS:
        if key not in info:
            raise EgovError(f"law_info has no {key!r} key", key)
    for i, rev in enumerate(data["revisions"]):
        missing = [k for k in REVISION_KEYS if k not in (rev if isinstance(rev, dict) else {})]
        if missing:
            raise EgovError(f"revisions[{i}] has no {missing[0]!r} key", missing[0])
    return data


def current(data: dict) -> int:
    """Index of the revision in force (``CurrentEnforced``), else 0 (the newest listed)."""
    return next((i for i, r in enumerate(data["revisions"]) if r["current_revision_status"] == "CurrentEnforced"), 0)


@dataclass(frozen=True)
class Sentence:
    """A sentence as printed and the line it starts on."""

    text: str
    line: int


@dataclass(frozen=True)
class LawXml:
    """What a law's XML says: ``law_num``, ``title``, the ``Era``/``Year``/``Num`` attributes, the 附則's
    enforcement sentences (``main``, ``proviso``: None when not printed) and the proviso's ``scope``."""

    law_num: str
    title: str
    number: tuple[str, str, str]
    main: Sentence | None
    proviso: Sentence | None
    scope: str | None


def _root(body: bytes, what: str):
    try:
        root, lines = xmlread.parse(body)
    except xmlread.XmlError as exc:
        raise EgovError(f"the {what} is not XML ({exc})") from exc
    if root.tag != "Law" or root.find("LawBody/LawTitle") is None:
        raise EgovError(f"the {what} has no <Law><LawBody><LawTitle>", "LawTitle")
    return root, lines


def _enforcement(root, lines) -> tuple[Sentence | None, Sentence | None]:
    own = next((s for s in root.iter("SupplProvision") if s.get("AmendLawNum") is None), None)
    first = own.find(".//Paragraph/ParagraphSentence") if own is not None else None
    if first is None:
        return None, None
    found = {}
    for sentence in first.findall("Sentence"):
        found.setdefault(sentence.get("Function") or "main", Sentence(xmlread.text_of(sentence), lines[sentence]))
    return found.get("main"), found.get("proviso")


def read_law(body: bytes) -> LawXml:
    """The e-Gov law XML (module docstring). Raises EgovError."""
    root, lines = _root(body, "law XML")
    law_num = xmlread.child_text(root, "LawNum")
    if not law_num:
        raise EgovError("the law XML has no <LawNum>", "LawNum")
    main, proviso = _enforcement(root, lines)
    m = _PROVISO.match(proviso.text) if proviso else None
    return LawXml(law_num, xmlread.text_of(root.find("LawBody/LawTitle")),
                  (root.get("Era", ""), root.get("Year", ""), root.get("Num", "")), main, proviso,
                  m.group("scope") if m else None)


def read_translation(body: bytes) -> tuple[str, tuple[str, str, str]]:
    """(English title, (Era, Year, Num)) of a Japanese Law Translation XML. Raises EgovError."""
    root, _ = _root(body, "English reference XML")
    return xmlread.text_of(root.find("LawBody/LawTitle")), (root.get("Era", ""), root.get("Year", ""),
                                                            root.get("Num", ""))
