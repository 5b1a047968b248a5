"""Reading an XML response of a live source: the element tree, the line each element starts on, and text.

Parsed with the standard library's expat (``xml.parsers.expat``) into an ``xml.etree.ElementTree`` tree, keeping
the 1-based line of every start tag, so a locator can name it (``text/014820/282791-20260122.xml L18``). A
document type declaration is accepted (the Japanese Law Translation files declare ``jstatute.dtd``), but an
entity declaration is refused (the door to entity expansion, "billion laughs") and external entities and DTDs
are never read (expat reads none unless asked to). A UTF-8 byte-order mark is allowed.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat


class XmlError(ValueError):
    """A body that is not well-formed XML, or declares entities."""


def parse(body: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """(root element, {element: 1-based line of its start tag}). Raises XmlError for a body that is not
    well-formed XML (an HTML error page, a cut body) or that declares an entity."""
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag, attrs):
        lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

    def refuse(name, *_args):
        raise XmlError(f"the XML declares the entity {name!r}; entity declarations are not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise XmlError(f"not well-formed XML ({exc})") from exc
    return builder.close(), lines


def text_of(elem: ET.Element | None) -> str | None:
    """All text inside ``elem`` (CDATA included) with leading and trailing whitespace removed; None for a
    missing element, "" for an empty one."""
    return None if elem is None else "".join(elem.itertext()).strip()


def child_text(elem: ET.Element, tag: str) -> str | None:
    """:func:`text_of` the first child ``tag`` of ``elem`` (None when it has none)."""
    return text_of(elem.find(tag))
