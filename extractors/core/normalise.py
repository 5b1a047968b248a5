"""Normalisation rules shared by every source: jurisdictions, amounts, ranges, years, dates, classifications.

Vocabularies live in data files next to this module (``rules/*.yaml``); this module holds the mechanics.
Every function returns values derived from the printed text and never guesses: input it cannot read raises
:class:`NormaliseError` (with the text) or returns ``None`` where the contract allows NULL.

Over the size budget: one module of small rules shared by every source (jurisdictions, amounts, dates, types).
"""
from __future__ import annotations

import datetime as dt
import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.core.config import ConfigError, YamlDoc, read_yaml, require_keys

RULES_DIR = Path(__file__).with_name("rules")


class NormaliseError(ValueError):
    """Printed text that a rule cannot read; the message quotes it."""


class RulesError(NormaliseError, ConfigError):
    """A rules file that cannot be used: names the file, the line and the key."""


# top-level keys each rules file of this folder must have
_REQUIRED = {"jurisdictions": ("aliases", "world"), "units": ("magnitudes", "currencies", "counters"),
             "instrument_types": ("rules",)}


@lru_cache(maxsize=None)
def rules_doc(name: str, folder: Path = RULES_DIR) -> YamlDoc:
    """``<folder>/<name>.yaml`` parsed once, with its lines. Raises RulesError (file, line, cause) for invalid
    YAML, a file that is not a mapping, or a missing top-level key (jurisdictions, units, instrument_types)."""
    doc = read_yaml(folder / f"{name}.yaml", RulesError)
    require_keys(doc, (), None, _REQUIRED.get(name, ()), RulesError)
    return doc


def load_rules(name: str, folder: Path = RULES_DIR) -> dict:
    """The vocabulary ``<folder>/<name>.yaml`` (default: ``extractors/core/rules``), parsed once. Raises
    RulesError (see :func:`rules_doc`)."""
    return rules_doc(name, folder).data


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional characters (OpenCC s2t), used for matching, never for stored values."""
    return _to_traditional().convert(text)


# --- jurisdictions -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Name -> alpha-2 from pycountry: English names plus their zh_TW and zh_CN translations."""
    import pycountry

    names: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in ("zh_TW", "zh_CN")]
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            english = getattr(country, attr, None)
            if not english:
                continue
            names.setdefault(english.casefold(), country.alpha_2)
            for tr in translations:
                names.setdefault(to_traditional(tr.gettext(english)), country.alpha_2)
    for alias, code in load_rules("jurisdictions")["aliases"].items():
        names[to_traditional(alias)] = code
    return names


def jurisdiction(name: str) -> str:
    """ISO 3166-1 alpha-2 (or EU / INT) for a printed country name such as 中國, 美國, 韓國, 英國.

    Uses pycountry's names and translations, plus the aliases in rules/jurisdictions.yaml.
    Raises NormaliseError for a name it does not know.
    """
    key = to_traditional(re.sub(r"\s+", "", name))
    code = _country_names().get(key) or _country_names().get(name.strip().casefold())
    if not code:
        raise NormaliseError(f"unknown jurisdiction name {name!r}")
    return code


def scope(name: str) -> str:
    """Market-figure scope: WLD for world words (全球, 市場 ...), else :func:`jurisdiction`."""
    if name.strip() in load_rules("jurisdictions")["world"]:
        return "WLD"
    return jurisdiction(name)


def jurisdiction_in(text: str) -> str | None:
    """The jurisdiction named in a caption such as 美國 GenAI 政策比較, or None (longest name wins)."""
    key = to_traditional(text)
    hits = [(len(n), code) for n, code in _country_names().items() if len(n) >= 2 and n in key]
    return max(hits)[1] if hits else None


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern:
    names = sorted((n for n, code in _country_names().items() if len(n) >= 2 and not n.isascii() and code != "INT"),
                   key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def places_in(text: str) -> list[tuple[int, str]]:
    """(offset, ISO 3166-1 alpha-2 or EU) of every country name printed in running text, in order (longest name
    first where names overlap; Chinese names only, multilateral names such as G7 left out)."""
    key = to_traditional(text)
    return [(m.start(), _country_names()[m.group(0)]) for m in _place_re().finditer(key)]


# --- numbers and amounts -----------------------------------------------------------------------

_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
_RANGE_RE = re.compile(rf"^\s*({_NUMBER})\s*(?:[~～〜]|至|–|—|-(?=\s*\d))\s*({_NUMBER})\s*(.*?)\s*$")
_SINGLE_RE = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")


def parse_number(text: str) -> float:
    """``2,869.0`` -> 2869.0. Raises NormaliseError for anything but a plain printed number."""
    t = text.strip().replace(",", "")
    if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", t):
        raise NormaliseError(f"not a number: {text!r}")
    return float(t)


def parse_range(text: str) -> tuple[float, float, str]:
    """``2.6~7.9 兆美元`` -> (2.6, 7.9, '兆美元'); a single value gives low == high. The unit is the rest."""
    m = _RANGE_RE.match(text)
    if m:
        low, high, rest = parse_number(m.group(1)), parse_number(m.group(2)), m.group(3)
        return low, high, rest
    m = _SINGLE_RE.match(text)
    if not m:
        raise NormaliseError(f"not a value or range: {text!r}")
    value = parse_number(m.group(1))
    return value, value, m.group(2)


@dataclass(frozen=True)
class Unit:
    """A printed unit split into magnitude and currency: 億美元 -> multiplier 1e8, currency USD."""

    printed: str
    multiplier: float | None   # None for percentages and counts (no base value)
    currency: str | None


def parse_unit(printed: str, default_currency: str | None = None) -> Unit:
    """Read a unit such as ``億美元``, ``兆美元``, ``新臺幣億元``, ``%`` (rules/units.yaml).

    Percentages have no currency and no base multiplier. ``default_currency`` (ISO 4217) applies to a unit
    that prints no currency word (``成本(億元)`` in a document whose amounts are all 新臺幣).
    Raises NormaliseError for an unknown unit.
    """
    u = re.sub(r"[\s()()]", "", printed)
    if u in ("%", "%", "百分比"):
        return Unit(printed=u, multiplier=None, currency=None)
    rules = load_rules("units")
    currency = None
    for word, code in sorted(rules["currencies"].items(), key=lambda kv: -len(kv[0])):
        if word in u:
            currency = code
            u_rest = u.replace(word, "", 1)
            break
    else:
        u_rest = u
    multiplier = 1.0
    for word, factor in sorted(rules["magnitudes"].items(), key=lambda kv: -len(kv[0])):
        if word in u_rest:
            multiplier = float(factor)
            u_rest = u_rest.replace(word, "", 1)
            break
    u_rest = u_rest.replace("元", "")
    currency = currency or default_currency
    if currency is None or u_rest:
        raise NormaliseError(f"unknown unit {printed!r}")
    return Unit(printed=re.sub(r"[\s()()]", "", printed), multiplier=multiplier, currency=currency)


# --- years and dates ---------------------------------------------------------------------------

ROC_OFFSET = 1911   # 民國元年 = 1912


def roc_to_gregorian(roc_year: int) -> int:
    """ROC (民國) year to Gregorian: 114 -> 2025. Raises NormaliseError outside 1..200."""
    if not 1 <= roc_year <= 200:
        raise NormaliseError(f"not an ROC year: {roc_year}")
    return roc_year + ROC_OFFSET


_ROC_RE = re.compile(r"(?:民國\s*(\d{2,3})|(\d{3}))\s*年")


def parse_year(text: str) -> int:
    """A year as printed: ``2025``, ``2025 年``, ``民國114年`` or ``114年`` (three digits = ROC)."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})\s*年?", t)
    if m:
        return int(m.group(1))
    m = _ROC_RE.fullmatch(t)
    if m:
        return roc_to_gregorian(int(m.group(1) or m.group(2)))
    raise NormaliseError(f"not a year: {text!r}")


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date
    precision: str                 # 'day' | 'month' | 'year'
    issues: tuple[str, ...] = ()   # what was odd about the printed text (becomes a quality flag)


_DATE_RE = re.compile(
    r"(?:(?P<y>\d{4})|民國\s*(?P<roc>\d{2,3})|(?<!\d)(?P<roc3>\d{3})(?=\s*年|[./]\d{1,2}(?!\d)))"
    r"\s*(?P<ysep>[年/.\-]|月)\s*"
    r"(?:(?P<m>\d{1,2})\s*[月/.\-]?\s*(?:(?P<d>\d{1,2})\s*日?)?)?")


def parse_date(text: str | None) -> ParsedDate | None:
    """A printed date -> first day of the stated period, with precision.

    Reads ``2023 年 7月13日`` (day), ``2023 年 10 月`` (month), ``2024年`` (year), ROC ``民國114年3月`` and
    ``114 年 8 月`` (three digits before 年 are an ROC year, as document 003 prints them), and ROC
    ``112.10`` / ``112/6/30`` (three digits, then . or / and a month: document 002's slides).
    When several dates are printed (``2020年、2023年7月``) the first is used and ``multiple_dates`` is
    reported; ``2024月2月`` (月 printed for 年) is read as 2024-02 and reported as ``malformed``.
    Returns None for empty text or a dash; raises NormaliseError when no date can be read.
    """
    if text is None or text.strip() in ("", "-", "—", "－"):
        return None
    matches = list(_DATE_RE.finditer(text))
    if not matches:
        raise NormaliseError(f"not a date: {text!r}")
    m = matches[0]
    issues = []
    if len(matches) > 1:
        issues.append("multiple_dates")
    if m.group("ysep") == "月" and m.group("m"):
        issues.append("malformed")
    year = int(m.group("y")) if m.group("y") else roc_to_gregorian(int(m.group("roc") or m.group("roc3")))
    month, day = m.group("m"), m.group("d")
    try:
        if month and day:
            return ParsedDate(dt.date(year, int(month), int(day)), "day", tuple(issues))
        if month:
            return ParsedDate(dt.date(year, int(month), 1), "month", tuple(issues))
    except ValueError as exc:
        raise NormaliseError(f"impossible date {text!r}: {exc}") from exc
    return ParsedDate(dt.date(year, 1, 1), "year", tuple(issues))


def parse_period(text: str | None) -> tuple[int | None, int | None, str | None]:
    """A printed period -> (start, end, basis).

    ``2023-2032`` -> (2023, 2032, 'period'); ``2027`` -> (2027, 2027, 'point'); ``每年`` -> (None, None,
    'per_year'); ``2030 年前`` -> (None, 2030, 'by_year'); ``-`` or empty -> (None, None, None).
    """
    if text is None or text.strip() in ("", "-", "—"):
        return None, None, None
    t = text.strip()
    if t in ("每年", "每年度", "年均"):
        return None, None, "per_year"
    m = re.fullmatch(r"(\d{4})\s*年?\s*(?:-|–|—|~|至)\s*(\d{4})\s*年?", t)
    if m:
        return int(m.group(1)), int(m.group(2)), "period"
    m = re.fullmatch(r"(\d{4})\s*年?\s*(?:前|以前)", t)
    if m:
        return None, int(m.group(1)), "by_year"
    m = re.fullmatch(r"(\d{4})\s*年?", t)
    if m:
        return int(m.group(1)), int(m.group(1)), "point"
    raise NormaliseError(f"not a period: {text!r}")


# --- classifications ---------------------------------------------------------------------------

GENAI_TERMS = re.compile(
    r"GenAI|Generative\s*AI|生成式|生成\s*AI|AIGC|大模型|大型語言模型|LLMs?\b|基礎模型|"
    r"foundation\s+models?|深偽|深度偽造|deepfakes?|合成內容|synthetic\s+content",
    re.IGNORECASE,
)


_CLAUSE_SPLIT = re.compile(r"[,,;;。]|\s\d+\.\s")
_SUMMARY_SUBJECT_CHARS = 8      # a summary's opening verb + object fit in this many characters


def genai_specific(title: str, summary: str | None = None) -> bool:
    """True when an instrument is about GenAI itself rather than AI in general.

    The rule (issue 3, item 6), in order:

    1. **Title.** The title names generative AI (GenAI, Generative AI, 生成式, AIGC), generative, foundation or
       large language models (大模型, 大型語言模型, LLM, 基礎模型), synthetic content or deepfakes (深偽,
       深度偽造, 合成內容): ``生成式人工智慧服務管理暫行辦法`` -> True.
    2. **Summary subject.** Otherwise a table's summary cell decides only when GenAI is its *subject*: the
       term sits in the first clause, within the first 8 characters after leading spaces (the opening verb
       and its object, e.g. ``提供 GenAI 安全發展架構``), is not one item of a list (``、``/``等`` next to
       it), and the summary has at most two clauses. A broad plan whose summary lists GenAI among other
       topics (``聚焦人機介面、量子資訊、生成式人工智慧、元宇宙等領域``) or whose GenAI clause is one of many
       (表 3-7's ``完善GenAI發展和管理機制,加強網路空間法治建設,…``) stays general AI policy.

    ``title``: the printed title (marks optional); ``summary``: the printed summary or None. Never raises.
    """
    if GENAI_TERMS.search(to_traditional(title)):
        return True
    if not summary:
        return False
    text = to_traditional(summary).strip()
    clauses = [c for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    if not clauses or len(clauses) > 2:
        return False
    first = clauses[0].strip()
    m = GENAI_TERMS.search(first)
    if not m or m.start() > _SUMMARY_SUBJECT_CHARS:
        return False
    around = first[max(0, m.start() - 1):m.end() + 2]
    return not re.search(r"、|等", around)


@lru_cache(maxsize=1)
def _instrument_rules() -> list[tuple[str, re.Pattern]]:
    """(type, pattern) of rules/instrument_types.yaml. Raises RulesError naming the rule's line."""
    doc = rules_doc("instrument_types")
    out = []
    for i, r in enumerate(doc.data["rules"] or []):
        require_keys(doc, ("rules", i), f"rule {i + 1}", ("type", "pattern"), RulesError)
        try:
            out.append((r["type"], re.compile(r["pattern"], re.IGNORECASE)))
        except (re.error, TypeError) as exc:
            raise doc.error(("rules", i, "pattern"), f"rule {i + 1}, {r['type']}", f"bad pattern: {exc}") from exc
    return out


def instrument_type(title: str) -> str:
    """Instrument type from the printed title: the first rule of rules/instrument_types.yaml matching the title's
    core (without a trailing bracket), else the first matching the whole title; ``other`` when none does."""
    key = to_traditional(re.sub(r"^[《「『〈]+|[》」』〉]+$", "", title.strip()))
    key = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", key)   # a line wrap inside a word
    core = re.sub(r"\s*[(（](?![^()（）]*草案)[^()（）]*[)）]\s*$", "", key)   # a trailing bracket, not (草案)
    for text in dict.fromkeys((core, key)):
        for kind, pattern in _instrument_rules():
            if kind != "other" and pattern.search(text):
                return kind
    return "other"
