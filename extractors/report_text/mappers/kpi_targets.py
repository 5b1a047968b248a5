"""Every target of a KPI statement, as printed: shared by the KPI table mapper (:mod:`.kpis`, document 003
表 1) and the running-text KPI sections (:mod:`.kpi_text`, document 003 陸 二、量化效益).

A *statement* is one numbered part of a target cell or one sentence of a KPI section; a *target* is one printed
figure with its unit or measure word (``每年培育 500 位…``, ``培訓就業率 50%以上``). Rules (issue 15), not lists:

* a figure is a number followed by a measure word of ``extractors/core/rules/units.yaml`` ``counters``
  (``人次``, ``家``, ``%``, ``億元`` …); a duration (``3 個月``) is not a target;
* ``由 X%(YYYY 年)提升至 Y%`` and ``提升至 Y%(YYYY 年約 X%)`` are one target Y with baseline X of year YYYY;
* a figure inside a parenthesis qualifies the target before it (``40 家企業(8 個產業)``): not a target;
* the target as printed (``value_printed``) is its clause (cut at ，。；、), from the previous figure of the
  clause (if any) to this figure, the clause's last figure keeping the clause's tail;
* ``period_basis``: the nearest cue before the figure in its sentence: ``每年`` (per_year); ``全程``
  (period_total); ``累計`` / ``累積`` (period_total) only in the figure's clause (a verb 累積 elsewhere in the
  sentence, 工作坊累積及驗證 AI 工具方法論 at 003 L198, accumulates know-how, not the target); a year as a time
  phrase (``114 年產出 3 個``: by_end, target_year 2025; ``115-116 年規劃產出 6 個``: period_total over those
  years, target_year the last, the printed years added to ``qualifier``; a three-digit year is ROC when
  ``calendar`` is ``roc``, converted by :func:`~extractors.report_text.mappers.programme.read_year`; not a year
  in a parenthesis or in 「」 quotes, such as a programme's name 「113 年推動…計畫」, nor 113 年度, 114 年 8 月);
  else ``by_end`` (``在 2028 年可提升至`` sets ``target_year``);
* ``comparator`` at_least when 以上, 至少, 不少於, 不低於, 逾 or 超過 stands next to the figure;
* ``qualifier``: those words and 約, 達, 其中, 累計 next to the figure, and any parenthesis of the printed target
  (``(培育女性人才不少於三分之一)``), space-joined as printed; NULL when none;
* ``從 <year> 年…為 X，迄今 Y`` (a count since a founding year) is one figure Y with baseline X of that year; a
  three-digit year is an ROC year when the caller's ``calendar`` is ``roc`` (002 L640 從108年成立時為56家，迄今157家);
* a range ``10-15 位`` (two figures joined by - ~ 至 or 到) is not read: the contract has one target value, and
  taking either end would be a guess;
* a figure whose printed target names nothing but target words (``目標設定在至少達成 50%``: 目標, 設定, 在, 達成
  and the qualifier words) restates the level of a target the same statement prints with its subject (``故預定輔導
  學員至少 50% 就業率``, same value and unit): not a target of its own (003 L198).
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.report_text.mappers.programme import NUMBER, read_year


@lru_cache(maxsize=1)
def _counters() -> str:
    """Alternation of the measure words of rules/units.yaml ``counters``, longest first."""
    words = sorted(nz.load_rules("units")["counters"], key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


@lru_cache(maxsize=1)
def quantity_re() -> re.Pattern:
    """A figure with its unit or measure word (rules/units.yaml ``counters``, longest first); ``個月`` excluded."""
    return re.compile(rf"(?<![\d,.])(?P<value>{NUMBER})\s*(?P<unit>{_counters()})(?!月)")


_PCT = r"(?:%|％)"
_BASELINE_RES = (
    # 由 32.5%(2023 年)提升至 50% (003 表 1 L264)
    re.compile(rf"由\s*(?P<base>{NUMBER})\s*(?P<unit>{_PCT})?\s*[(（]\s*(?P<year>\d{{4}})\s*年?\s*[)）]\s*"
               rf"(?:提升|提高|增加|升)?至\s*(?P<target>{NUMBER})\s*(?P<tunit>{_PCT})?"),
    # 提升至 50%(2023 年約 32.5%) (003 L1660)
    re.compile(rf"(?:提升|提高|增加|升)至\s*(?P<target>{NUMBER})\s*(?P<tunit>{_PCT})\s*[(（]\s*(?P<year>\d{{4}})"
               rf"\s*年\s*約?\s*(?P<base>{NUMBER})\s*(?P<unit>{_PCT})?\s*[)）]"),
)
_RANGE_JOIN = r"\s*(?:-|~|～|至|到)\s*"
# words a restated level may consist of (see the module docstring), besides the qualifier words and _NOISE
_LEVEL_RE = re.compile(r"目標|設定|訂定|在|為|達成|達到|至少|不少於|不低於|以上|約|達|可|將|並|及")
_NOISE_RE = re.compile(r"[\d,.%％\s()（），、。；:：/+*]")
_AT_LEAST_RE = re.compile(r"以上|至少|不少於|不低於|逾|超過")
_QUALIFIER_RE = re.compile(r"以上|至少|不少於|不低於|逾|超過|高達|約|達|其中|累計")
PAREN_RE = re.compile(r"[(（][^()（）]*[)）]")          # a bracketed aside (also read by kpi_text)
_CLAUSE_END = "，,。；;、：:"
_SENTENCE_END = "。；;"
_BASIS_RE = re.compile(r"每年|全程|累計|累積")
# a year (or years) the target is set for, as a time phrase before it: 114 年產出 3 個, 115-116 年規劃產出 6 個
_YEAR_AT_RE = re.compile(r"(?<![\d.,])(?P<y1>\d{3,4})\s*(?:[-~～至]\s*(?P<y2>\d{3,4})\s*)?年(?!\s*(?:度|\d{1,2}\s*月))")
_QUOTE_RE = re.compile(r"「[^」]*」")
_TARGET_YEAR_RE = re.compile(r"(\d{4})\s*年\s*(?:可|將|前)?\s*(?:提升|提高|升|達)")


@lru_cache(maxsize=1)
def since_re() -> re.Pattern:
    """``從 <year> 年 … X <counter>，迄今 Y <counter>`` (see the module docstring)."""
    unit = _counters()
    return re.compile(rf"從\s*(?P<year>\d{{3,4}})\s*年[^，,。；]*?(?P<base>{NUMBER})\s*(?P<unit>{unit})[，,]?\s*"
                      rf"迄今\s*(?P<target>{NUMBER})\s*(?P<tunit>{unit})")


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _is_end(text: str, i: int, ends: str, parens) -> bool:
    """An end mark outside a parenthesis; a comma between digits is a thousands separator (2,000)."""
    if text[i] not in ends or _inside(i, parens):
        return False
    return not (text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())


def _bounds(text: str, pos: int, ends: str, parens: list[tuple[int, int]]) -> tuple[int, int]:
    """Start and end of the clause or sentence around ``pos``: the nearest end marks (:func:`_is_end`)."""
    start = max((i + 1 for i in range(pos) if _is_end(text, i, ends, parens)), default=0)
    end = next((i for i in range(pos, len(text)) if _is_end(text, i, ends, parens)), len(text))
    return start, end


def _basis(text: str, fig: dict, parens, calendar: str) -> tuple[str, int | None, str | None]:
    """(period_basis, target_year, the printed years of a range or None) of a figure: the nearest cue before it
    in its sentence (see the module docstring)."""
    s_start, _ = _bounds(text, fig["start"], _SENTENCE_END, parens)
    c_start, _ = _bounds(text, fig["start"], _CLAUSE_END, parens)
    quoted = _spans(_QUOTE_RE, text)
    cues = [(m.start(), m) for m in _BASIS_RE.finditer(text, s_start, fig["start"])
            if m.group(0) in ("每年", "全程") or m.start() >= c_start]
    cues += [(m.start(), m) for m in _YEAR_AT_RE.finditer(text, s_start, fig["start"])
             if not _inside(m.start(), parens) and not _inside(m.start(), quoted)]
    if not cues:
        years = _TARGET_YEAR_RE.findall(text[s_start:fig["end"]])
        return "by_end", (int(years[-1]) if years else None), None
    cue = max(cues, key=lambda c: c[0])[1]
    if cue.re is _YEAR_AT_RE:
        if cue.group("y2"):
            return "period_total", read_year(cue.group("y2"), calendar), cue.group(0).strip()
        return "by_end", read_year(cue.group("y1"), calendar), None
    return ("per_year" if cue.group(0) == "每年" else "period_total"), None, None


def _in_range(statement: str, m: re.Match) -> bool:
    """The figure is one end of a printed range (``10-15 位``, ``20%至 30%``)."""
    before = re.search(rf"{NUMBER}\s*\S{{0,2}}{_RANGE_JOIN}$", statement[:m.start()])
    after = re.match(rf"{_RANGE_JOIN}{NUMBER}", statement[m.end("value"):])
    return bool(before or after)


def _figures(statement: str, calendar: str = "gregorian") -> list[dict]:
    """Figures of a statement in printed order: start, end, value, unit, baseline (value, year) or None."""
    parens = _spans(PAREN_RE, statement)
    taken: list[tuple[int, int]] = []
    out = []
    for rx in (*_BASELINE_RES, since_re()):
        for m in rx.finditer(statement):
            if _inside(m.start(), taken):
                continue
            taken.append(m.span())
            out.append({"start": m.start(), "end": m.end(), "value": m.group("target"),
                        "unit": m.group("tunit") or m.group("unit"),
                        "baseline": (nz.parse_number(m.group("base")), read_year(m.group("year"), calendar))})
    for m in quantity_re().finditer(statement):
        if _inside(m.start(), taken) or _inside(m.start(), parens) or _in_range(statement, m):
            continue
        out.append({"start": m.start(), "end": m.end(), "value": m.group("value"), "unit": m.group("unit"),
                    "baseline": None})
    return sorted(out, key=lambda f: f["start"])


def _printed(statement: str, figs: list[dict], k: int, parens) -> tuple[int, int]:
    """Span of the k-th figure's target as printed (see the module docstring)."""
    fig = figs[k]
    c_start = _bounds(statement, fig["start"], _CLAUSE_END, parens)[0]
    c_end = _bounds(statement, max(fig["start"], fig["end"] - 1), _CLAUSE_END, parens)[1]   # 從…為 X，迄今 Y
    prev = [f for f in figs[:k] if f["end"] > c_start]
    nxt = [f for f in figs[k + 1:] if f["start"] < c_end]
    start = prev[-1]["end"] if prev else c_start
    end = c_end
    if nxt:
        tail = re.match(r"\s*(?:以上|以下)?", statement[fig["end"]:])
        end = fig["end"] + tail.end()
    return start, end


def _restated(rows: list[dict]) -> list[dict]:
    """Drop a target whose printed text is only target words when another target of the statement has the same
    value and unit (see the module docstring)."""
    def bare(r):
        return not _NOISE_RE.sub("", _LEVEL_RE.sub("", PAREN_RE.sub("", r["value_printed"])))
    return [r for r in rows if not (bare(r) and any(o is not r and not bare(o) and (o["target_value"], o["target_unit"])
                                                    == (r["target_value"], r["target_unit"]) for o in rows))]


def read_targets(statement: str, calendar: str = "gregorian") -> list[dict]:
    """Every target of one statement -> a list of dicts of kpis columns: target_value, target_unit, comparator,
    baseline_value, baseline_year, period_basis, target_year (only when printed in the sentence; else None),
    qualifier, value_printed (the target as printed, a substring of ``statement``). Empty when no figure.
    ``calendar`` (``roc`` or ``gregorian``) reads three-digit baseline and target years; NormaliseError when a
    three-digit year is printed and the calendar is not ``roc``."""
    parens = _spans(PAREN_RE, statement)
    figs = _figures(statement, calendar)
    out = []
    for k, fig in enumerate(figs):
        start, end = _printed(statement, figs, k, parens)
        printed = re.sub(r"^\s*\d+\.(?!\d)\s*", "", statement[start:end]).strip(" \t，,、；;。：:")
        near = statement[max(start, fig["start"] - 6):fig["start"]] + " " + statement[fig["end"]:fig["end"] + 4]
        quals = [q for q in _QUALIFIER_RE.findall(near)]
        quals += [p for p in PAREN_RE.findall(printed) if not (fig["baseline"] and str(fig["baseline"][1]) in p)]
        basis, year, years_printed = _basis(statement, fig, parens, calendar)
        quals += [years_printed] if years_printed else []
        base = fig["baseline"] or (None, None)
        out.append({"target_value": nz.parse_number(fig["value"]), "target_unit": fig["unit"],
                    "comparator": "at_least" if _AT_LEAST_RE.search(near) else "exact",
                    "baseline_value": base[0], "baseline_year": base[1], "period_basis": basis,
                    "target_year": year, "qualifier": " ".join(dict.fromkeys(quals)) or None,
                    "value_printed": printed})
    return _restated(out)
