"""The reviewed settings of the ``owid`` source (``settings.yaml`` beside this module), read once per call.

- ``params``: the query parameters of every chart request (``v=1``, ``csvType=full``, ``useColumnShortNames=true``).
- ``charts``: the charts recorded, each with its origin's licence as reviewed (the chart metadata.json states no
  licence) and ``non_commercial``; ``bundled`` says whether the first snapshot has it.
- ``entities``: OWID entities that are not ISO 3166-1 countries (World, continents, the EU), each with the Code
  printed with it and the contract's scope (``WLD``, ``EU`` or a UN M49 region code of ``schemas.M49_REGIONS``).

Errors: :class:`extractors.core.config.ConfigError` naming the file, the line and the entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import schemas
from extractors.core.config import ConfigError, read_yaml, require_keys

SOURCE_ID = "owid"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")


@dataclass(frozen=True)
class Chart:
    """One grapher chart: ``slug`` (``global-investment-in-generative-ai``), the licence of its origin's data as
    reviewed, ``non_commercial`` (True for CC BY-NC origins), ``bundled`` (in the first snapshot)."""

    slug: str
    licence: str
    non_commercial: bool
    bundled: bool = False

    @property
    def csv_name(self) -> str:
        return f"{self.slug}.csv"

    @property
    def metadata_name(self) -> str:
        return f"{self.slug}.metadata.json"


@dataclass(frozen=True)
class Settings:
    """``params`` of every request, the ``charts`` in order, and ``scopes``: {(entity, code): scope}."""

    params: dict[str, str]
    charts: tuple[Chart, ...]
    scopes: dict[tuple[str, str], str]

    def chart(self, slug: str) -> Chart | None:
        return next((c for c in self.charts if c.slug == slug), None)


def _charts(doc) -> tuple[Chart, ...]:
    charts = []
    for i, entry in enumerate(doc.data.get("charts") or []):
        where = f"chart {i + 1}"
        require_keys(doc, ("charts", i), where, ("slug", "licence", "non_commercial"))
        if not isinstance(entry["non_commercial"], bool):
            raise doc.error(("charts", i, "non_commercial"), where, "non_commercial must be true or false")
        charts.append(Chart(str(entry["slug"]), str(entry["licence"]), entry["non_commercial"],
                            bool(entry.get("bundled", False))))
    if not charts or len({c.slug for c in charts}) != len(charts):
        raise doc.error(("charts",), "charts", "needs a list of charts with distinct slugs")
    return tuple(charts)


def _scopes(doc) -> dict[tuple[str, str], str]:
    known = set(schemas.vocabulary("scope"))
    scopes = {}
    for i, entry in enumerate(doc.data.get("entities") or []):
        where = f"entity {i + 1}"
        require_keys(doc, ("entities", i), where, ("entity", "code", "scope"))
        scope = str(entry["scope"])
        if scope not in known:
            raise doc.error(("entities", i, "scope"), where, f"scope {scope!r} is not in the contract's scope "
                            "vocabulary (ISO alpha-2, EU, WLD or a UN M49 region code of schemas.M49_REGIONS)")
        scopes[(str(entry["entity"]), str(entry["code"] or ""))] = scope
    return scopes


def load(path: Path = SETTINGS_FILE) -> Settings:
    """The settings of the owid source. Raises ConfigError (file, line, entry) when ``params``, ``charts`` or
    ``entities`` are malformed or an entity's scope is not in the contract's ``scope`` vocabulary."""
    doc = read_yaml(path, ConfigError)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("params"), dict):
        raise doc.error(("params",), "params", "needs a mapping of query parameters")
    params = {str(k): str(v) for k, v in doc.data["params"].items()}
    return Settings(params=params, charts=_charts(doc), scopes=_scopes(doc))
