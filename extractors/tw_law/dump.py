"""Reading one MOJ dump: a ZIP holding one JSON file (``ChLaw.json``, ``ChOrder.json``) that starts with a
byte-order mark and reads ``{"UpdateDate": "...", "Laws": [{law}, {law}, ...]}``.

The member is decoded once (UTF-8, the byte-order mark dropped) and walked with the json module's decoder
(``JSONDecoder.raw_decode``) one law at a time, so each law object comes with its exact span in the text: its
bytes as received are ``text[start:end].encode("utf-8")`` (UTF-8 decodes and encodes losslessly), and only the
laws asked for are kept. The whole list is never held as Python objects.

Errors name the source, the URL and the field: a body that is not a ZIP, a member missing or over its cap, text
that is not UTF-8 or not JSON are FetchError; a top level without ``UpdateDate`` or ``Laws``, or a law without a
key the extraction reads (settings ``law_keys``; ``LawURL`` without a ``pcode``) are SchemaDrift.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from extractors.core.fetch import FetchError, SchemaDrift

from extractors.tw_law.config import SOURCE_ID, Dump

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Member:
    """The JSON member of a dump: its ``text`` (decoded), ``sha256`` of its bytes, ``update_date`` as printed, and
    where the ``Laws`` array starts in the text."""

    name: str
    text: str
    sha256: str
    update_date: str
    laws_at: int
    url: str


@dataclass(frozen=True)
class Law:
    """One law object of a dump: its position in ``Laws``, ``pcode`` (of LawURL), the parsed ``data`` and its
    ``body``: the object's bytes as they are in the member."""

    index: int
    pcode: str
    data: dict
    body: bytes


def pcode_of(law: dict, url: str) -> str:
    """The ``pcode`` query parameter of a law's LawURL (``...LawAll.aspx?pcode=I0050021`` -> ``I0050021``).
    Raises SchemaDrift naming LawURL when the law has none."""
    link = law.get("LawURL") if isinstance(law, dict) else None
    codes = parse_qs(urlsplit(link).query).get("pcode") if isinstance(link, str) else None
    if not codes:
        raise SchemaDrift(SOURCE_ID, url, f"a law in Laws has no 'LawURL' with a pcode (LawURL: {link!r}; "
                          f"LawName: {law.get('LawName') if isinstance(law, dict) else None!r})")
    return codes[0]


def check_keys(law: dict, keys: tuple[str, ...], where: str, url: str) -> None:
    """Raise SchemaDrift naming the first key of ``keys`` the law object lacks."""
    missing = [k for k in keys if k not in law]
    if missing:
        raise SchemaDrift(SOURCE_ID, url, f"{where} has no {missing[0]!r} key"
                          + (f" (nor {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else ""))


def unpack(body: bytes, dump: Dump, url: str) -> bytes:
    """The member bytes of a downloaded dump. Raises FetchError (not a ZIP, over the cap, cannot be unpacked) or
    SchemaDrift (no such member)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise FetchError(SOURCE_ID, url, f"the {dump.name} dump is not a ZIP archive ({exc})") from exc
    with archive:
        try:
            info = archive.getinfo(dump.member)
        except KeyError:
            raise SchemaDrift(SOURCE_ID, url, f"the {dump.name} dump has no member {dump.member!r} (it has: "
                              f"{', '.join(archive.namelist()) or 'none'})") from None
        if info.file_size > dump.max_member_bytes:
            raise FetchError(SOURCE_ID, url, f"member {dump.member} unpacks to {info.file_size} bytes, over the "
                             f"{dump.max_member_bytes}-byte cap")
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise FetchError(SOURCE_ID, url, f"member {dump.member} cannot be unpacked ({exc})") from exc


def _value(text: str, at: int, name: str, url: str) -> tuple[object, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError as exc:
        raise FetchError(SOURCE_ID, url, f"member {name} is not valid JSON ({exc})") from exc


def _expect(text: str, at: int, chars: str, name: str, url: str) -> tuple[str, int]:
    at = _WS.match(text, at).end()
    if at >= len(text) or text[at] not in chars:
        raise FetchError(SOURCE_ID, url, f"member {name} is not valid JSON: expected {' or '.join(chars)} at "
                         f"character {at}")
    return text[at], at + 1


def read_member(raw: bytes, name: str, url: str) -> Member:
    """The member's text and top level (see module docstring): its keys are read in order until both
    ``UpdateDate`` and ``Laws`` are found (the list is walked only when ``UpdateDate`` comes after it).
    Raises FetchError / SchemaDrift."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(SOURCE_ID, url, f"member {name} is not UTF-8 text ({exc})") from exc
    if not text.lstrip(" \t\r\n").startswith("{"):
        raise SchemaDrift(SOURCE_ID, url, f"member {name} is not a JSON object with 'UpdateDate' and 'Laws'")
    keys: list[str] = []
    update, laws_at, at = None, None, _expect(text, 0, "{", name, url)[1]
    while at is not None:
        key, at = _key(text, at, name, url)
        if key is None:
            break
        keys.append(key)
        if key == "Laws":
            laws_at = at
            if update is not None:
                break
            items = _Items(text, at, name, url)
            for _ in items:
                pass
            end = items.end
        else:
            value, end = _value(text, at, name, url)
            update = str(value) if key == "UpdateDate" else update
        at = None if update is not None and laws_at is not None else _after(text, end, name, url)
    for key, found in (("UpdateDate", update), ("Laws", laws_at)):
        if found is None:
            raise SchemaDrift(SOURCE_ID, url, f"member {name} has no {key!r} key (it has: "
                              f"{', '.join(keys) or 'none'})")
    return Member(name, text, hashlib.sha256(raw).hexdigest(), update, laws_at, url)


def _key(text: str, at: int, name: str, url: str) -> tuple[str | None, int]:
    """(key, where its value starts) of the object member at ``at``; (None, ...) at the closing brace."""
    char, at = _expect(text, at, '"}', name, url)
    if char == "}":
        return None, at
    key, at = _value(text, at - 1, name, url)
    _, at = _expect(text, at, ":", name, url)
    return str(key), _WS.match(text, at).end()


def _after(text: str, end: int, name: str, url: str) -> int | None:
    """Where the next object member starts after a value ending at ``end``; None at the closing brace."""
    char, at = _expect(text, end, ",}", name, url)
    return None if char == "}" else at


class _Items:
    """Iterates (start, end, value) over the items of the JSON array at ``at`` in ``text``; ``end`` is past its
    closing bracket once the iteration is over."""

    def __init__(self, text: str, at: int, name: str, url: str):
        self.text, self.at, self.name, self.url, self.end = text, at, name, url, None

    def __iter__(self) -> Iterator[tuple[int, int, object]]:
        text, name, url = self.text, self.name, self.url
        if text[self.at:self.at + 1] != "[":
            raise SchemaDrift(SOURCE_ID, url, f"member {name}: 'Laws' is not a list")
        at = _WS.match(text, self.at + 1).end()
        if text[at:at + 1] == "]":
            self.end = at + 1
            return
        while True:
            start = _WS.match(text, at).end()
            value, end = _value(text, start, name, url)
            yield start, end, value
            char, at = _expect(text, end, ",]", name, url)
            if char == "]":
                self.end = at
                return


def laws(member: Member, keys: tuple[str, ...]) -> Iterator[Law]:
    """Every law object of ``member`` in order, with its pcode and bytes. Raises SchemaDrift for an item that is
    not an object or has no LawURL with a pcode; the ``keys`` are checked by the caller on the laws it keeps
    (:func:`check_keys`)."""
    for i, (start, end, value) in enumerate(_Items(member.text, member.laws_at, member.name, member.url)):
        if not isinstance(value, dict):
            raise SchemaDrift(SOURCE_ID, member.url, f"member {member.name}: Laws[{i}] is not an object")
        yield Law(i, pcode_of(value, member.url), value, member.text[start:end].encode("utf-8"))
