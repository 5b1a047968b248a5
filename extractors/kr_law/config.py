"""The kr_law settings the fetch and the extraction read (``extractors/kr_law/settings.yaml``: ``oc_variable``,
``laws``, ``searches``, ``display``, ``kinds``, ``changes``, ``implementing_suffixes``, ``official_url``),
checked once: a missing key or an unknown event name is a ConfigError naming the file, the line and the entry."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.core.config import ConfigError, read_yaml, require_keys

SOURCE_ID = "kr_law"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
CHANGE_EVENTS = ("promulgated", "amended", "repealed")


@dataclass(frozen=True)
class Search:
    """One lawSearch.do request: ``target`` (eflaw, elaw), the law-name ``query``, the ``file`` it is kept as."""

    file: str
    target: str
    query: str


@dataclass(frozen=True)
class Settings:
    """The checked settings; ``laws`` are 법령ID strings ("014820") in settings order."""

    oc_variable: str
    laws: tuple[str, ...]
    searches: tuple[Search, ...]
    display: int
    kinds: dict[str, str]
    changes: dict[str, str]
    implementing_suffixes: tuple[str, ...]
    official_url: str


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of ``path``. Raises ConfigError (file, line, entry) for a missing key or a bad value."""
    doc = read_yaml(path, ConfigError)
    for key in ("oc_variable", "laws", "searches", "display", "kinds", "changes", "implementing_suffixes",
                "official_url"):
        if not isinstance(doc.data, dict) or not doc.data.get(key):
            raise doc.error((), key, f"settings need {key!r}")
    laws = []
    for i, _ in enumerate(doc.data["laws"]):
        require_keys(doc, ("laws", i), f"law {i + 1}", ("law_id",))
        laws.append(str(doc.data["laws"][i]["law_id"]))
    searches = []
    for i, _ in enumerate(doc.data["searches"]):
        require_keys(doc, ("searches", i), f"search {i + 1}", ("file", "target", "query"))
        s = doc.data["searches"][i]
        searches.append(Search(str(s["file"]), str(s["target"]), str(s["query"])))
    if not any(s.target == "eflaw" for s in searches):
        raise doc.error(("searches",), "searches", "needs an eflaw search (the effective-date version index)")
    changes = {str(k): str(v) for k, v in doc.data["changes"].items()}
    for k, v in changes.items():
        if v not in CHANGE_EVENTS:
            raise doc.error(("changes", k), f"change {k!r}", f"event must be one of {', '.join(CHANGE_EVENTS)}")
    return Settings(oc_variable=str(doc.data["oc_variable"]), laws=tuple(laws), searches=tuple(searches),
                    display=int(doc.data["display"]), kinds={str(k): str(v) for k, v in doc.data["kinds"].items()},
                    changes=changes, implementing_suffixes=tuple(str(k) for k in doc.data["implementing_suffixes"]),
                    official_url=str(doc.data["official_url"]))
