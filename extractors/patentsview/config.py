"""Settings of the ``patentsview`` source (``settings.yaml``), its GenAI definition (``definition.yaml``) and
where its API key comes from.

- :func:`load` -> :class:`Settings`: the ODP product (``PVGPATDIS``), its metadata path, the API key header, the
  data files a recount reads, the download quota (20 per file per key per year, ODP terms) and DuckDB's memory cap.
- :func:`definition` -> :class:`Definition`: version, CPC scheme, the codes with their titles as the scheme prints
  them, and an optional widening set (off by default), all from ``definition.yaml``.
- :func:`api_key`: ``$ATLAS_PATENTSVIEW_API_KEY``, else the password of the Airflow connection ``patentsview``
  (only when Airflow is importable and the connection exists), else None. The key is never written anywhere;
  the download ledger keeps :func:`key_fingerprint` (12 hex digits of its sha256).

Errors: ConfigError naming the file, line and key for a malformed settings or definition file.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from extractors.core.config import ConfigError, read_yaml

SOURCE_ID = "patentsview"
PUBLISHER = "USPTO PatentsView"
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
DEFINITION_FILE = Path(__file__).with_name("definition.yaml")


@dataclass(frozen=True)
class Settings:
    """``product``: ODP product id; ``product_path``: its metadata path; ``files``: the file names read;
    ``downloads_per_file`` / ``window_days``: the quota; ``memory_limit``: DuckDB's (``2GB``)."""

    product: str
    product_path: str
    api_key_header: str
    api_key_variable: str
    airflow_connection: str
    files: tuple[str, ...]
    downloads_per_file: int
    window_days: int
    memory_limit: str


@dataclass(frozen=True)
class Code:
    code: str
    title: str


@dataclass(frozen=True)
class Definition:
    """The GenAI definition: ``codes`` counted (the widening's too when ``widened``), as CPC group symbols."""

    version: str
    scheme: str
    description: str
    codes: tuple[Code, ...]
    widening: tuple[Code, ...]
    widened: bool
    rationale: str

    @property
    def counted(self) -> tuple[Code, ...]:
        """The codes a patent is counted by: the base codes, plus the widening set when it is enabled."""
        return self.codes + (self.widening if self.widened else ())

    def words(self) -> str:
        """The definition in words, for the ``counted`` column: ``CPC G06N3/045, G06N3/0455 or G06N3/0475 (CPC
        2023.01; definition genai-cpc-1)``."""
        codes = [c.code for c in self.counted]
        listed = ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else codes[0]
        return f"CPC {listed} ({self.scheme}; definition {self.version})"


def load(path: Path = SETTINGS_FILE) -> Settings:
    """The source's settings (see module docstring). Raises ConfigError naming file, line and key."""
    doc = read_yaml(path, ConfigError)
    data = doc.data if isinstance(doc.data, dict) else {}
    for key in ("product", "product_path", "api_key_header", "api_key_variable", "files", "quota"):
        if not data.get(key):
            raise doc.error((), key, f"{path.name} needs {key}")
    quota = data["quota"]
    return Settings(product=str(data["product"]), product_path=str(data["product_path"]),
                    api_key_header=str(data["api_key_header"]), api_key_variable=str(data["api_key_variable"]),
                    airflow_connection=str(data.get("airflow_connection") or SOURCE_ID),
                    files=tuple(str(f) for f in data["files"]),
                    downloads_per_file=int(quota["downloads_per_file"]), window_days=int(quota["window_days"]),
                    memory_limit=str((data.get("duckdb") or {}).get("memory_limit") or "2GB"))


def _codes(doc, items, where: tuple) -> tuple[Code, ...]:
    if not isinstance(items, list) or not all(isinstance(c, dict) and c.get("code") and c.get("title")
                                              for c in items):
        raise doc.error(where, where[-1], "needs a list of {code, title}")
    return tuple(Code(str(c["code"]), str(c["title"])) for c in items)


def definition(path: Path = DEFINITION_FILE) -> Definition:
    """The GenAI definition (see module docstring). Raises ConfigError naming file, line and key."""
    doc = read_yaml(path, ConfigError)
    data = doc.data if isinstance(doc.data, dict) else {}
    for key in ("version", "scheme", "codes"):
        if not data.get(key):
            raise doc.error((), key, f"{path.name} needs {key}")
    widening = data.get("widening") or {}
    return Definition(version=str(data["version"]), scheme=str(data["scheme"]),
                      description=" ".join(str(data.get("description") or "").split()),
                      codes=_codes(doc, data["codes"], ("codes",)),
                      widening=_codes(doc, widening.get("codes") or [], ("widening", "codes"))
                      if widening.get("codes") else (),
                      widened=bool(widening.get("enabled")),
                      rationale=" ".join(str(widening.get("rationale") or "").split()))


def api_key(settings: Settings | None = None) -> str | None:
    """The ODP API key: the environment variable, else the Airflow connection's password, else None."""
    settings = settings or load()
    key = os.environ.get(settings.api_key_variable, "").strip()
    if key or not os.environ.get("AIRFLOW_CTX_DAG_ID"):    # set by Airflow in a running task only
        return key or None
    try:
        from airflow.sdk import BaseHook  # only under Airflow; never at import time
        return (BaseHook.get_connection(settings.airflow_connection).password or "").strip() or None
    except Exception:  # noqa: BLE001 - no Airflow, no connection, no metadata DB: no key
        return None


def key_fingerprint(key: str) -> str:
    """12 hex digits of the key's sha256: how the download ledger names a key without keeping it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
