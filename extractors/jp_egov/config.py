"""The jp_egov settings the fetch and the extraction read (``extractors/jp_egov/settings.yaml``: ``laws``,
``law_types``, ``repeal_statuses``, ``law_page``), checked once: a missing key or an unknown event name is a
ConfigError naming the file, the line and the entry."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.core.config import ConfigError, read_yaml, require_keys

SOURCE_ID = "jp_egov"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
END_EVENTS = ("repealed", "expired")


@dataclass(frozen=True)
class Law:
    """A tracked law: its e-Gov ``law_id`` and the URL of its English reference XML (or None)."""

    law_id: str
    translation: str | None

    @property
    def revisions_file(self) -> str:
        return f"revisions/{self.law_id}.json"

    @property
    def law_file(self) -> str:
        return f"law/{self.law_id}.xml"

    @property
    def translation_file(self) -> str:
        return f"translation/{self.law_id}.en.xml"


@dataclass(frozen=True)
class Settings:
    """The checked settings: tracked ``laws``, ``law_types`` (-> instrument type), ``repeal_statuses``
    (-> event or None), the ``law_page`` URL template."""

    laws: tuple[Law, ...]
    law_types: dict[str, str]
    repeal_statuses: dict[str, str | None]
    law_page: str


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of ``path``. Raises ConfigError (file, line, entry) for a missing key or a bad value."""
    doc = read_yaml(path, ConfigError)
    for key in ("laws", "law_types", "repeal_statuses", "law_page"):
        if not isinstance(doc.data, dict) or not doc.data.get(key):
            raise doc.error((), key, f"settings need {key!r}")
    laws = []
    for i, entry in enumerate(doc.data["laws"]):
        require_keys(doc, ("laws", i), f"law {i + 1}", ("law_id", "translation"))
        laws.append(Law(str(entry["law_id"]), str(entry["translation"]) if entry["translation"] else None))
    statuses = {str(k): (str(v) if v else None) for k, v in doc.data["repeal_statuses"].items()}
    for k, v in statuses.items():
        if v is not None and v not in END_EVENTS:
            raise doc.error(("repeal_statuses", k), f"repeal_status {k!r}", f"event must be one of "
                            f"{', '.join(END_EVENTS)} or null")
    return Settings(laws=tuple(laws), law_types={str(k): str(v) for k, v in doc.data["law_types"].items()},
                    repeal_statuses=statuses, law_page=str(doc.data["law_page"]))
