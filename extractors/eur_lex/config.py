"""The settings of the ``eur_lex`` source (``settings.yaml`` beside this module), checked once per process.

- ``sparql``: the endpoint's path, the result format asked for, the variables every answer must list, and the
  most related acts one followed act may have;
- ``track``: the CELEX numbers tracked (``follow``: also ask which acts amend, correct, repeal or implement it);
- ``relations``: per relation CELLAR records (amends, corrects, repeals, based_on) its CDM property, whether the
  related act is tracked, and the ``policy_events`` stage and ``policy_relations`` link it gives;
- ``instrument_types``: CELLAR resource type -> ``policy_mentions.instrument_type``.

Errors: :class:`extractors.core.config.ConfigError` naming the file, the line and the entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import schemas
from extractors.core.config import ConfigError, YamlDoc, read_yaml, require_keys

SOURCE_ID = "eur_lex"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
# A CELEX number of an act: sector digit, year, document-type letter(s), number (32024R1689, 32025D0123); a
# corrigendum adds R(01), a consolidated text starts with 0 and ends -YYYYMMDD (neither is a tracked act).
CELEX_RE = re.compile(r"^[1-9][0-9]{4}[A-Z]{1,2}[0-9]{4}$")
EVENTS = frozenset(schemas.tables()["policy_events"].column("event").enum)
RELATIONS = frozenset(schemas.tables()["policy_relations"].column("relation").enum)


@dataclass(frozen=True)
class Tracked:
    """One act of ``track``: its CELEX number and whether its related acts are followed."""

    celex: str
    follow: bool


@dataclass(frozen=True)
class Relation:
    """How a related act is read: ``cdm`` property, ``track`` it, base-act ``event`` and ``relation`` (or None)."""

    name: str
    cdm: str
    track: bool
    event: str | None
    relation: str | None


@dataclass(frozen=True)
class Settings:
    """The checked settings (module docstring)."""

    path: str
    format: str
    act_vars: tuple[str, ...]
    related_vars: tuple[str, ...]
    max_related: int
    track: tuple[Tracked, ...]
    relations: dict[str, Relation]
    instrument_types: dict[str, str]
    open_end: str
    celex_url: str

    def instrument_type(self, resource_type: str | None) -> str:
        """The instrument type of a CELLAR resource type code (``REG``), else the ``default`` entry."""
        return self.instrument_types.get(resource_type or "", self.instrument_types["default"])


def _track(doc: YamlDoc) -> tuple[Tracked, ...]:
    out = []
    for i, entry in enumerate(doc.data.get("track") or []):
        require_keys(doc, ("track", i), f"track entry {i + 1}", ("celex",))
        celex = str(entry["celex"])
        if not CELEX_RE.match(celex):
            raise doc.error(("track", i, "celex"), f"track entry {i + 1}", f"{celex!r} is not the CELEX number "
                            "of an act (e.g. 32024R1689)")
        out.append(Tracked(celex, bool(entry.get("follow", False))))
    if not out:
        raise doc.error((), "track", "settings need at least one tracked CELEX number")
    return tuple(out)


def _relations(doc: YamlDoc) -> dict[str, Relation]:
    out = {}
    for name, spec in (doc.data.get("relations") or {}).items():
        where = f"relation {name!r}"
        require_keys(doc, ("relations", name), where, ("cdm", "track", "event", "relation"))
        if spec["event"] is not None and spec["event"] not in EVENTS:
            raise doc.error(("relations", name, "event"), where, f"event {spec['event']!r} is not a policy_events "
                            "stage")
        if spec["relation"] is not None and spec["relation"] not in RELATIONS:
            raise doc.error(("relations", name, "relation"), where, f"relation {spec['relation']!r} is not in "
                            "policy_relations' enum")
        if not re.fullmatch(r"[a-z_-]+", str(spec["cdm"])) or not re.fullmatch(r"[a-z_]+", str(name)):
            raise doc.error(("relations", name), where, "name and cdm property must be plain CDM names")
        out[str(name)] = Relation(str(name), str(spec["cdm"]), bool(spec["track"]), spec["event"], spec["relation"])
    return out


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of ``path``. Raises ConfigError (file, line, entry) when a section or key is missing or a
    value does not fit (a CELEX number, an event or relation outside the contract)."""
    doc = read_yaml(path, ConfigError)
    for section in ("sparql", "track", "relations", "instrument_types", "source"):
        if not isinstance(doc.data, dict) or not doc.data.get(section):
            raise doc.error((), section, f"settings need a {section!r} section")
    require_keys(doc, ("sparql",), "sparql", ("path", "format", "act_vars", "related_vars", "max_related"))
    require_keys(doc, ("instrument_types",), "instrument_types", ("default",))
    require_keys(doc, (), None, ("open_end_of_validity", "celex_url"))
    s = doc.data["sparql"]
    return Settings(
        path=str(s["path"]), format=str(s["format"]), act_vars=tuple(map(str, s["act_vars"])),
        related_vars=tuple(map(str, s["related_vars"])), max_related=int(s["max_related"]), track=_track(doc),
        relations=_relations(doc), instrument_types={str(k): str(v) for k, v in doc.data["instrument_types"].items()},
        open_end=str(doc.data["open_end_of_validity"]), celex_url=str(doc.data["celex_url"]))
