"""Where an AGORA document applies: read through its Authority in ``authorities.csv`` (Name, Jurisdiction, Parent
authority).

AGORA's Jurisdiction cell is a country name ("United States", "China"), "Multinational", "Other countries" or
empty. The rules, in order (tables in ``settings.yaml``, ``jurisdictions``):

1. an authority named in ``authorities`` (European Union -> EU; United Nations, OECD, Other multinational and
   Private-sector companies -> INT);
2. "Other countries": the country in the authority's name (``government_of``: "Government of Canada" -> CA);
3. any other cell: the name in ``names`` (Turkey, Multinational ...), else pycountry's English names
   (:func:`extractors.core.normalise.jurisdiction`: "United States" -> US, "China" -> CN);
4. an empty cell: the parent authority's jurisdiction.

A state or local authority keeps the ISO 3166-2 subdivision (pycountry): a child of "State governments" by its
name ("California" -> US-CA), of "Local governments" by the postal code after the last comma ("San Francisco, CA"
-> US-CA). An authority none of this reads has no jurisdiction; its documents are left out with a flag.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.normalise import NormaliseError

from extractors.agora import tables
from extractors.agora.config import Settings

MAX_PARENTS = 5


@dataclass(frozen=True)
class Authority:
    """One row of authorities.csv, read: ``code`` (ISO 3166-1 alpha-2, EU or INT; None when unknown),
    ``subdivision`` (ISO 3166-2 or None), and the cells as printed."""

    name: str
    printed_jurisdiction: str
    parent: str
    code: str | None
    subdivision: str | None


@lru_cache(maxsize=8)
def _subdivisions(country: str) -> dict[str, str]:
    """{name: ISO 3166-2 code} of a country's subdivisions (pycountry); {} for EU / INT."""
    import pycountry

    return {s.name: s.code for s in pycountry.subdivisions.get(country_code=country) or ()}


def _country(name: str, settings: Settings) -> str | None:
    if name in settings.jurisdiction_names:
        return settings.jurisdiction_names[name]
    try:
        return nz.jurisdiction(name)
    except NormaliseError:
        return None


def _code(name: str, cell: str, settings: Settings) -> str | None:
    if name in settings.authority_codes:
        return settings.authority_codes[name]
    if cell == "Other countries":
        m = settings.government_of.match(name)
        return _country(m.group("country"), settings) if m else None
    return _country(cell, settings) if cell else None


def _subdivision(name: str, parent: str, code: str | None, settings: Settings) -> str | None:
    mode = settings.subdivision_parents.get(parent)
    if not code or not mode:
        return None
    names = _subdivisions(code)
    if mode == "name":
        return names.get(name)
    suffix = name.rsplit(",", 1)[-1].strip() if "," in name else ""
    return f"{code}-{suffix}" if suffix and f"{code}-{suffix}" in names.values() else None


def read(text: str, settings: Settings) -> dict[str, Authority]:
    """authorities.csv (decoded text) -> {Name: Authority} (see module docstring)."""
    rows = {r["Name"].strip(): r for _, _, r in tables.records(text)}
    out = {}
    for name, row in rows.items():
        cell, parent = row["Jurisdiction"].strip(), row["Parent authority"].strip()
        code, up = _code(name, cell, settings), parent
        for _ in range(MAX_PARENTS):
            if code or not up or up not in rows:
                break
            code = _code(up, rows[up]["Jurisdiction"].strip(), settings)
            up = rows[up]["Parent authority"].strip()
        out[name] = Authority(name, cell, parent, code, _subdivision(name, parent, code, settings))
    return out


def place(cell: str, authorities: dict[str, Authority]) -> tuple[str | None, str | None, str | None]:
    """(jurisdiction, subdivision, problem) of a document's Authority cell. The cell names one authority, or
    several separated by ";"; several that disagree take the first one's and say so in ``problem``; an unknown
    authority, or one without a jurisdiction, gives None and the problem."""
    names = [cell.strip()] if cell.strip() in authorities else [n.strip() for n in cell.split(";") if n.strip()]
    unknown = [n for n in names if n not in authorities]
    if not names or unknown:
        return None, None, f"authority {', '.join(unknown) or '(empty)'!r} is not in authorities.csv"
    found = [authorities[n] for n in names]
    if found[0].code is None:
        return None, None, (f"authority {found[0].name!r} (jurisdiction {found[0].printed_jurisdiction!r}) "
                            f"has no jurisdiction the settings can read")
    codes = sorted({a.code for a in found if a.code})
    problem = None
    if len(codes) > 1:
        problem = f"the authorities {cell!r} are in several jurisdictions ({', '.join(codes)}); the first is used"
    return found[0].code, found[0].subdivision, problem
