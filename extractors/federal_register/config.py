"""The package's two data files: ``settings.yaml`` (how to fetch and what to search) and ``rules.yaml`` (how to
read what the Federal Register prints). Both are read once per process and checked for the keys the code uses."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from extractors.core.config import ConfigError, read_yaml

SOURCE_ID = "federal_register"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
RULES_FILE = Path(__file__).with_name("rules.yaml")

_SETTINGS_KEYS = {"search": ("terms", "presidential_document_types", "windows", "fields", "per_page", "order",
                             "result_cap"),
                  "change_probe": (), "document_keys": (), "volatile": ("drop", "strip_query")}
_RULES_KEYS = ("instrument_types", "subtypes_by_element", "note_labels", "partial", "text_cues", "first_volume_year")


def _checked(path: Path, keys: dict[str, tuple]) -> dict:
    doc = read_yaml(path, ConfigError)
    data = doc.data if isinstance(doc.data, dict) else {}
    for key, inner in keys.items():
        if key not in data:
            raise doc.error((), key, f"lacks {key!r}")
        missing = [k for k in inner if k not in (data[key] or {})]
        if missing:
            raise doc.error((key,), key, f"lacks {', '.join(missing)}")
    return data


@lru_cache(maxsize=1)
def settings() -> dict:
    """``settings.yaml`` without ``fetch`` and ``source``: ``search``, ``change_probe``, ``document_keys``,
    ``volatile``. Raises ConfigError (file, line, key) when one is missing."""
    return _checked(SETTINGS_FILE, _SETTINGS_KEYS)


@lru_cache(maxsize=1)
def rules() -> dict:
    """``rules.yaml``: instrument types, disposition-note labels, full-text cues, the FR volume rule. Raises
    ConfigError when a key is missing."""
    return _checked(RULES_FILE, {k: () for k in _RULES_KEYS})
