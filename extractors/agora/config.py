"""The AGORA settings the fetch and the extraction read (``extractors/agora/settings.yaml``, keys ``zenodo``,
``activities``, ``jurisdictions``, ``instrument_types``), checked once: a missing key or a bad pattern is a
ConfigError naming the file, the line and the entry."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import schemas
from extractors.core.config import ConfigError, YamlDoc, read_yaml, require_keys

SOURCE_ID = "agora"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")


@dataclass(frozen=True)
class Activity:
    """What one value of "Most recent activity" means: ``status`` (None: left empty), the status of a bill in that
    state (``bill_status``), the date column read as the issued date (``issued``), and the ``policy_events`` stage
    the activity is (``event``; ``bill_event`` for a bill; None: no event)."""

    status: str | None
    bill_status: str | None
    issued: str
    event: str | None = None
    bill_event: str | None = None


@dataclass(frozen=True)
class TypeRule:
    """One instrument-type rule: ``type`` when ``pattern`` matches a name and (if set) the activity is listed."""

    type: str
    pattern: re.Pattern
    activities: frozenset[str] | None


@dataclass(frozen=True)
class Settings:
    """The checked settings. ``members``: kept ZIP member -> required columns; sizes in bytes."""

    record_id: int
    file: str
    max_file_bytes: int
    max_member_bytes: int
    members: dict[str, tuple[str, ...]]
    activities: dict[str, Activity]
    authority_codes: dict[str, str]
    jurisdiction_names: dict[str, str]
    government_of: re.Pattern
    subdivision_parents: dict[str, str]
    type_rules: tuple[TypeRule, ...]
    source: dict
    no_proposed_event: frozenset[str] = frozenset()    # instrument types whose Proposed date is no proposed event


def _pattern(doc: YamlDoc, keys: tuple, entry: str, value: object) -> re.Pattern:
    try:
        return re.compile(str(value), re.IGNORECASE)
    except re.error as exc:
        raise doc.error(keys, entry, f"bad pattern: {exc}") from exc


def _activities(doc: YamlDoc) -> dict[str, Activity]:
    out = {}
    for name, spec in (doc.data.get("activities") or {}).items():
        require_keys(doc, ("activities", name), f"activity {name!r}", ("status", "issued"))
        if spec["issued"] not in ("Most recent activity date", "Proposed date"):
            raise doc.error(("activities", name, "issued"), f"activity {name!r}",
                            "issued must be 'Most recent activity date' or 'Proposed date'")
        stages = schemas.tables()["policy_events"].column("event").enum or ()
        for key in ("event", "bill_event"):
            if spec.get(key) is not None and spec[key] not in stages:
                raise doc.error(("activities", name, key), f"activity {name!r}",
                                f"{key} {spec[key]!r} is not a stage of policy_events")
        out[str(name)] = Activity(spec["status"], spec.get("bill_status", spec["status"]), spec["issued"],
                                  spec.get("event"), spec.get("bill_event", spec.get("event")))
    return out


def _type_rules(doc: YamlDoc) -> tuple[TypeRule, ...]:
    rules = []
    for i, spec in enumerate(doc.data.get("instrument_types") or []):
        require_keys(doc, ("instrument_types", i), f"rule {i + 1}", ("type", "pattern"))
        acts = spec.get("activity")
        rules.append(TypeRule(spec["type"], _pattern(doc, ("instrument_types", i), f"rule {i + 1}", spec["pattern"]),
                              frozenset(acts) if acts else None))
    return tuple(rules)


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of ``path``. Raises ConfigError (file, line, entry) when a section or key is missing."""
    doc = read_yaml(path, ConfigError)
    for section in ("zenodo", "activities", "jurisdictions", "instrument_types", "source"):
        if not isinstance(doc.data, dict) or not doc.data.get(section):
            raise doc.error((), section, f"settings need a {section!r} section")
    require_keys(doc, ("zenodo",), "zenodo", ("record_id", "file", "max_file_bytes", "max_member_bytes", "members"))
    require_keys(doc, ("jurisdictions",), "jurisdictions", ("authorities", "names", "government_of",
                                                             "subdivision_parents"))
    z, j = doc.data["zenodo"], doc.data["jurisdictions"]
    return Settings(
        record_id=int(z["record_id"]), file=str(z["file"]), max_file_bytes=int(z["max_file_bytes"]),
        max_member_bytes=int(z["max_member_bytes"]),
        members={str(k): tuple(str(c) for c in v) for k, v in z["members"].items()},
        activities=_activities(doc), authority_codes={str(k): str(v) for k, v in j["authorities"].items()},
        jurisdiction_names={str(k): str(v) for k, v in j["names"].items()},
        government_of=_pattern(doc, ("jurisdictions", "government_of"), "government_of", j["government_of"]),
        subdivision_parents={str(k): str(v) for k, v in j["subdivision_parents"].items()},
        type_rules=_type_rules(doc), source=dict(doc.data["source"]),
        no_proposed_event=frozenset((doc.data.get("proposed_event") or {}).get("not_types") or ()))
