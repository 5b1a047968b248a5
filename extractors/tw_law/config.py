"""The reviewed settings of the ``tw_law`` source (``settings.yaml`` beside this module), checked once.

- ``dumps``: the MOJ Open API's whole-database downloads (``law``: ChLaw.json.zip, ``order``: ChOrder.json.zip), with
  their paths, the JSON member inside each ZIP and the size caps;
- ``laws``: the tracked laws (pcode, LawName, dump; ``pcode`` null: wanted by name, see :class:`Tracked`);
- ``law_keys``, ``levels``, ``history``, ``provision_terms``, ``issuers``: how a law's record is read
  (:mod:`extractors.tw_law.extract`, :mod:`extractors.tw_law.history`).

Errors: :class:`extractors.core.config.ConfigError` naming the file, the line and the entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.core.config import ConfigError, YamlDoc, read_yaml, require_keys

SOURCE_ID = "tw_law"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
PCODE = re.compile(r"^[A-Z][0-9]{7}$")
EVENTS = frozenset({"promulgated", "amended", "repealed", "expired", "published", "entered_into_force"})


@dataclass(frozen=True)
class Dump:
    """One whole-database download: ``name`` (law, order), ``path`` on the base URL, the JSON ``member`` of the
    ZIP, and the caps in bytes on the ZIP and on the unpacked member."""

    name: str
    path: str
    member: str
    max_bytes: int
    max_member_bytes: int


@dataclass(frozen=True)
class Tracked:
    """A tracked law: ``pcode`` (None: wanted by its exact LawName, its code known from no recorded response),
    ``name`` as the database prints it, the ``dump`` that holds it."""

    pcode: str | None
    name: str
    dump: str


@dataclass(frozen=True)
class Rule:
    """A history rule: the events a statement matching ``pattern`` states (none for an ignore rule)."""

    pattern: re.Pattern
    events: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    """The checked settings (see module docstring)."""

    dumps: dict[str, Dump]
    laws: tuple[Tracked, ...]
    law_keys: tuple[str, ...]
    levels: dict[str, str]
    actions: tuple[Rule, ...]
    ignore: tuple[Rule, ...]
    provision_terms: tuple[str, ...]
    issuers: tuple[str, ...]
    source: dict

    def tracked_in(self, dump: str) -> list[Tracked]:
        return [t for t in self.laws if t.dump == dump]


def _dumps(doc: YamlDoc) -> dict[str, Dump]:
    out = {}
    for name, spec in (doc.data.get("dumps") or {}).items():
        require_keys(doc, ("dumps", name), f"dump {name}", ("path", "member", "max_bytes", "max_member_bytes"))
        out[str(name)] = Dump(str(name), str(spec["path"]), str(spec["member"]), int(spec["max_bytes"]),
                              int(spec["max_member_bytes"]))
    return out


def _laws(doc: YamlDoc, dumps: dict[str, Dump]) -> tuple[Tracked, ...]:
    laws, seen = [], set()
    for i, spec in enumerate(doc.data.get("laws") or []):
        where = f"law {i + 1}"
        require_keys(doc, ("laws", i), where, ("name", "dump", "why"))
        pcode = spec.get("pcode")
        if pcode is not None and not PCODE.match(str(pcode)):
            raise doc.error(("laws", i, "pcode"), where, f"pcode {pcode!r} is not a letter and 7 digits (or null)")
        if spec["dump"] not in dumps:
            raise doc.error(("laws", i, "dump"), where, f"dump {spec['dump']!r} is not one of {', '.join(dumps)}")
        key = pcode or spec["name"]
        if key in seen:
            raise doc.error(("laws", i), where, f"{key} is listed twice")
        seen.add(key)
        laws.append(Tracked(str(pcode) if pcode else None, str(spec["name"]), str(spec["dump"])))
    return tuple(laws)


def _rules(doc: YamlDoc, key: str, with_events: bool) -> tuple[Rule, ...]:
    rules = []
    for i, spec in enumerate((doc.data["history"] or {}).get(key) or []):
        where = f"history {key} {i + 1}"
        require_keys(doc, ("history", key, i), where, ("pattern", "why") + (("events",) if with_events else ()))
        events = tuple(spec.get("events") or ())
        unknown = [e for e in events if e not in EVENTS]
        if unknown:
            raise doc.error(("history", key, i, "events"), where, f"unknown event {unknown[0]!r}")
        try:
            rules.append(Rule(re.compile(str(spec["pattern"])), events))
        except re.error as exc:
            raise doc.error(("history", key, i, "pattern"), where, f"bad pattern: {exc}") from exc
    return tuple(rules)


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of ``path``. Raises ConfigError (file, line, entry) when a section or key is missing or a
    value is not one the code can use."""
    doc = read_yaml(path, ConfigError)
    for section in ("dumps", "law_keys", "laws", "levels", "history", "provision_terms", "issuers", "source"):
        if not isinstance(doc.data, dict) or not doc.data.get(section):
            raise doc.error((), section, f"settings need a {section!r} section")
    dumps = _dumps(doc)
    return Settings(
        dumps=dumps, laws=_laws(doc, dumps), law_keys=tuple(map(str, doc.data["law_keys"])),
        levels={str(k): str(v) for k, v in doc.data["levels"].items()},
        actions=_rules(doc, "actions", True), ignore=_rules(doc, "ignore", False),
        provision_terms=tuple(map(str, doc.data["provision_terms"])), issuers=tuple(map(str, doc.data["issuers"])),
        source=dict(doc.data["source"]))
