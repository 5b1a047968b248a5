"""Figures printed in running text that are not market or forecast figures -> ``indicators`` (issue 15, item 1):
survey shares, achievements, adoption rates, ranks, reported gains (003 壹 計畫緣起 L68 培育超過 3 萬名 AI 應用人才;
001 前言 L38 資料隱私占42%; the rest of 001-004: 003 肆 L606-608 Deloitte / Gartner surveys, 001 L179-181).

Spec key ``indicator_text`` (``specs/<source_id>.yaml``): a list of sections ``{section, start, end, scope,
per_line}`` (regexes of the heading line and of the first line after the section, as ``market_text``; ``scope``
the place a figure of the section is about when its sentence names none, optional; ``per_line: true`` for
slides, whose lines are bullets and each its own paragraph; ``needs_publisher: true`` for prose mixing published
figures with the plan's own, where a figure without a printed publisher is left out: 003 肆). Lines of the spec's
``kpi_text`` sections (but those marked ``sentences: planned``, prose whose plan sentences the kpis take) and the
bodies of the tables and slides its ``tables`` map (002's AI領航 slide: kpis) are not running text. The words
that decide are data in ``rules/indicator_text.yaml``; paragraphs, amounts, the market metric and the period are
read by the same functions as the market figures (:mod:`.market_text`, units through
:func:`extractors.core.normalise.parse_unit`).

* figures: a percentage (``48.7%``), an amount of money, a rank (``第 14 名``), a count with a measure word
  (``3 萬名``, ``500 多個``: ``more``) or a multiple (``20 倍``: ``multiple``, unit NULL); a range (``0.5% 至
  3.4%``, ``12-18 個``) is not read (``value`` holds one number); a figure cut by a line break (its measure word on
  the paragraph's next line, after footnotes: 000 L1399 / L1413) is located on both lines (``L1399-1413``);
  markdown headings (``#### 3. PolyAI``) are not part of a paragraph's sentences;
* not indicators: a figure :func:`.market_text.metric_of` calls a market figure (CAGR, GDP, 市場規模, share of
  value: those are ``market_figures``) or whose clause or the clause before names a market figure (``market``);
  a figure whose sentence, up to the end of its clause, states a forecast (``forecast``; an apposition saying
  what a strategy is for, ``forecast_aside``, does not), except a job forecast (``jobs`` in its clause, no
  ``scenario``: they count jobs, not money, 000 L576, L594) and a pledge (``pledge``: 預計將投資 1 億美元, 000
  L1523); a figure whose sentence names the programme itself (``own``: 本計畫, its targets are kpis); a count or
  an amount whose clause does not say it was achieved (``achieved``, ``achieved_more``: 花費, 耗費, 完成, 每年…處理;
  or ``counted``: 有67家) or says it is a study's coverage (``coverage``: 針對 47 個國家);
* scope: :func:`.indicator_scope.scope_of` with the paragraph's companies (:func:`.indicator_scope.companies_in`):
  a country printed in the figure's clause (83%中國決策者; 美國和歐洲 together -> WLD), else the company its
  sentence is about (成立於葡萄牙的 Feedzai -> PT), else a country before it in its sentence, else the sentence's
  world word (``world``: 全球 -> WLD), else the company its paragraph introduced before it, else a country the
  sentence before names, else the section's ``scope``; a figure with none is left out; a place named as an
  exception (``excepted``: 除日本以外) is passed over;
* indicator: for a job figure the first ``jobs_indicators`` rule (``_share`` for a percentage), else the first
  ``first_indicators`` or ``indicators_first`` rule whose pattern is in the figure's clause, else the first
  ``sentence_indicators`` rule in its sentence up to it (期待效益), else the first ``indicators`` rule whose
  pattern is in the figure's clause, else, for an item of a list
  (after 、) or a share (占) of a whole named in the clause before, the rule matched nearest the end of that
  clause, else ``pledge_indicator`` for a pledge, else its kind (``kinds``: share, rank, count, amount;
  ``multiple_kind``); ``measure`` is the clause as printed (from the
  previous 、，；。 or the previous figure of a list to the next 、，；。; markdown bold ``**`` dropped),
  ``section`` the spec section; ``subject`` stays NULL; ``record_id`` ``<source>:text-<section>:L<line>:<n>``
  numbers the paragraph's figures, multiples apart (``:m0``) so that reading them kept the other figures' ids;
* period: as market figures (the last year or year range printed before the figure in its sentence, titles in
  《》 aside), except that a year printed with its month dates an event (a report, an announcement), not the
  figure; NULL when none (ROC years are not read);
* publisher: the last name a ``publisher_cues`` pattern finds before the figure in its sentence (根據 Gartner 的
  調查, 依 LinkedIn《…》, Klarna 也表示, 機構 Statista, 麥肯錫於 2023 年 6 月 27 日發布; ``more_publisher_cues`` and
  ``publisher_cues_more``: 依據「家庭醫學年鑑」…的統計), else one found at the opening of its paragraph (003 L100
  (一) 依 LinkedIn … 80%) unless the sentence points elsewhere (先前提及), as printed; NULL when none is printed; a
  sentence opening with ``refers`` (報告中亦指出, 該研究預測, 這一趨勢) takes, when it names none itself, the last
  name the publisher cues or ``study_cues`` find in the sentence before (Forrester 的前瞻性研究), and that
  sentence's period when it prints none; one pointing to a chart (``chart``: 如圖3) takes its 資料來源 line's
  (:func:`.market_text.figure_publisher`);
* a figure cut by a line break (a page break: 001 L179-181 3.72 / 億英鎊) has the locator ``L<first>-<last>``;
* the same figure printed again in a source (same indicator, value, unit, scope, period and clause words) is one
  row; the other lines go to ``other_locators`` (002 L86 = L763);
* a figure the running-text market readers (:mod:`.market_text`, :mod:`.market_clauses`) made a market figure
  (same line and figure as printed) is not an indicator too: a figure is one or the other.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.core.records import Extraction
from extractors.report_text.mappers import market_terms
from extractors.report_text.mappers.indicator_scope import companies_in, end_of as _end_of, scope_of, \
    start_of as _start_of
from extractors.report_text.mappers.running_text import publisher_before, section_span
from extractors.report_text.mappers.market_text import figure_publisher, figures_of, metric_of, paragraphs, period_of
from extractors.report_text.mappers.programme import NUMBER
from extractors.report_text.prose.rules import RULES_DIR

_SENTENCE_END = "。；;！？"
_CLAUSE_END = _SENTENCE_END + "，,、：:"
_FULL_STOP = "。！？"
_OPENING = 12          # a source named within this many characters of a paragraph's start opens it (- (一) 依 …)


@lru_cache(maxsize=1)
def rules() -> dict:
    """``rules/indicator_text.yaml`` compiled. Raises RulesError for a missing key."""
    doc = nz.rules_doc("indicator_text", RULES_DIR)
    keys = ("forecast", "achieved", "coverage", "market", "elsewhere", "counters", "rank", "publisher_cues", "name",
            "world", "indicators", "kinds", "jobs", "scenario", "jobs_indicators", "pledge", "pledge_indicator",
            "achieved_more", "multiple", "multiple_kind", "more", "refers", "study_cues", "indicators_first",
            "publisher_cues_more")
    require_keys(doc, (), None, keys, nz.RulesError)
    more = ("first_indicators", "sentence_indicators", "more_publisher_cues", "refers", "excepted", "own",
            "forecast_aside", "counted", "chart", "bullet", "compared")
    require_keys(doc, (), None, more, nz.RulesError)
    d = doc.data
    known = "|".join(sorted(map(re.escape, market_terms.rules()["publishers"]), key=len, reverse=True))
    name = d["name"].replace("{known}", known)
    counters = "|".join(sorted(d["counters"], key=len, reverse=True))
    return {
        "forecast": re.compile(d["forecast"]), "achieved": re.compile(d["achieved"]),
        "coverage": re.compile(d["coverage"]), "rank": re.compile(d["rank"]), "market": re.compile(d["market"]),
        "elsewhere": re.compile(d["elsewhere"]),
        "count": re.compile(rf"(?<![\d.,])(?P<value>{NUMBER})\s*(?:{d['more']}\s*)?"
                            rf"(?P<unit>(?:萬|億)?\s*(?:{counters}))(?!\s*月)"),
        "multiple": re.compile(d["multiple"].replace("{number}", NUMBER)), "multiple_kind": d["multiple_kind"],
        "jobs": re.compile(d["jobs"]), "scenario": re.compile(d["scenario"]), "pledge": re.compile(d["pledge"]),
        "pledge_indicator": d["pledge_indicator"], "achieved_more": re.compile(d["achieved_more"]),
        "jobs_indicators": [(r["indicator"], re.compile(r["pattern"])) for r in d["jobs_indicators"]],
        "indicators_first": [(r["indicator"], re.compile(r["pattern"])) for r in d["indicators_first"]],
        "refers": re.compile(d["refers"]),
        "study": [re.compile(c.replace("{name}", name)) for c in [*d["publisher_cues"], *d["more_publisher_cues"],
                                                                   *d["publisher_cues_more"], *d["study_cues"]]],
        "range": re.compile(rf"{NUMBER}\s*%?\s*(?:至|~|～|-|–|到)\s*{NUMBER}"),
        "publishers": [re.compile(c.replace("{name}", name))
                       for c in [*d["publisher_cues"], *d["more_publisher_cues"], *d["publisher_cues_more"]]],
        **{k: re.compile(d[k]) for k in ("excepted", "own", "forecast_aside", "counted", "chart", "bullet",
                                         "compared")},
        **{k: [(r["indicator"], re.compile(r["pattern"])) for r in d[k]] for k in ("first_indicators",
                                                                                  "sentence_indicators")},
        "world": d["world"], "kinds": d["kinds"],
        "indicators": [(r["indicator"], re.compile(r["pattern"])) for r in d["indicators"]],
    }


def _candidates(text: str) -> list[tuple[int, int, str, float, str, str]]:
    """(start, end, kind, value, unit, printed) of every single figure of a paragraph; figures inside a printed
    range are left out, and so are the market metrics of :func:`.market_text.metric_of`."""
    r = rules()
    in_range = [(m.start(), m.end()) for m in r["range"].finditer(text)]
    found = []
    for start, end, low, high, unit_text, printed, is_pct in figures_of(text):
        s_start = _start_of(text, start, "。；")
        if low != high or metric_of(text[s_start:start], text[end:end + 6], is_pct):
            continue
        found.append((start, end, "%" if is_pct else "amount", low, unit_text if not is_pct else "%", printed))
    for m in r["rank"].finditer(text):
        found.append((m.start(), m.end(), "rank", nz.parse_number(m.group("value")), "rank", m.group(0)))
    for m in r["count"].finditer(text):
        if not any(f[0] <= m.start() < f[1] for f in found):
            found.append((m.start(), m.end(), "count", nz.parse_number(m.group("value")),
                          re.sub(r"\s+", "", m.group("unit")), m.group(0)))
    for m in r["multiple"].finditer(text):
        if r["compared"].search(text, _start_of(text, m.start(), _CLAUSE_END), m.start()):
            continue                      # X 是 Y 的 N 倍: a comparison of two things, not a change
        found.append((m.start(), m.end(), "multiple", nz.parse_number(m.group("value")), None, m.group(0)))
    return sorted(f for f in found if not any(s <= f[0] < e for s, e in in_range))


def _publisher(text: str, sentence: int, pos: int) -> str | None:
    """:func:`publisher_before` with the ``publisher_cues`` of rules/indicator_text.yaml; a sentence opening with
    ``refers`` (報告中亦指出, 該研究預測) and naming none takes the last name the cues or ``study_cues`` find in
    the sentence before (Forrester 的前瞻性研究)."""
    r = rules()
    if sentence and r["refers"].match(text, sentence):
        before = _start_of(text, sentence - 1, _SENTENCE_END)
        return publisher_before(text, sentence, pos, r["publishers"], -1) \
            or publisher_before(text, before, sentence - 1, r["study"], -1)
    return publisher_before(text, sentence, pos, r["publishers"], _OPENING, r["elsewhere"])


def _indicator(clause: str, before: str, kind: str, pledged: bool, sentence: str = "") -> str:
    """A job figure's ``jobs_indicators`` rule (``_share`` for a percentage), else the first ``first_indicators``
    or ``indicators_first`` rule found in the clause, else the first ``sentence_indicators`` rule found in the
    ``sentence`` up to the figure, else the first ``indicators`` rule found in the clause, else the rule matched
    nearest the end of the clause before it (``before``), else ``pledge_indicator`` for a pledge (``pledged``),
    else the figure's kind (``kinds``, ``multiple_kind``)."""
    r = rules()
    if r["jobs"].search(clause):
        code = next(code for code, rx in r["jobs_indicators"] if rx.search(clause))
        return code + "_share" if kind == "%" else code
    found = next((code for code, rx in [*r["first_indicators"], *r["indicators_first"]] if rx.search(clause)), None) \
        or next((code for code, rx in r["sentence_indicators"] if rx.search(sentence)), None) \
        or next((code for code, rx in r["indicators"] if rx.search(clause)), None)
    if found:
        return found
    near = [(m.end(), code) for code, rx in r["indicators"] for m in rx.finditer(before)]
    if near:
        return max(near)[1]
    return r["pledge_indicator"] if pledged else r["multiple_kind"] if kind == "multiple" else r["kinds"][kind]


def _pledged(kind: str, sentence: str, clause: str) -> bool:
    """Whether an amount is a pledge: its sentence states a plan (``forecast``) and its clause an investment
    (``pledge``)."""
    return kind == "amount" and bool(rules()["forecast"].search(sentence) and rules()["pledge"].search(clause))


def _keep(kind: str, sentence: str, clause: str, before: str) -> bool:
    """Whether a figure is an indicator: its clause and the clause ``before`` it name no market figure; its
    ``sentence`` (from the full stop before it to the end of its clause) states no forecast, except a job
    forecast (``jobs`` in the clause, no ``scenario``: kept, a count too) and a pledge (:func:`_pledged`); a
    count or an amount was achieved (``achieved``, ``achieved_more``), not a study's coverage."""
    r = rules()
    if r["market"].search(before + clause) or r["own"].search(sentence):
        return False
    if r["forecast"].search(r["forecast_aside"].sub("", sentence)):
        if r["jobs"].search(clause) and not r["scenario"].search(sentence):
            return not r["coverage"].search(clause)
        if not _pledged(kind, sentence, clause):
            return False
    if kind in ("count", "amount"):
        return bool(r["achieved"].search(clause) or r["achieved_more"].search(clause)
                    or r["counted"].match(clause)) and not r["coverage"].search(clause)
    return True


def _rows_of_paragraph(ex: Extraction, para, sec: dict, lines: list[str]) -> list[dict]:
    """``indicators`` rows of one paragraph (a list of (1-based line, text)) of spec section ``sec`` of the
    document's ``lines``."""
    joined, offsets = "", []
    for line_no, text in para:
        offsets.append((len(joined), line_no))
        joined += text
    rows, prev_end = [], 0
    figures, companies = _candidates(joined), companies_in(joined)
    for start, end, kind, value, unit, printed in figures:
        same_kind = [f for f in figures if (f[2] == "multiple") == (kind == "multiple")]
        k = ("m" if kind == "multiple" else "") + str(same_kind.index((start, end, kind, value, unit, printed)))
        sentence = _start_of(joined, start, _SENTENCE_END)
        full = joined[_start_of(joined, start, _FULL_STOP):_end_of(joined, end, _CLAUSE_END)]
        own = _start_of(joined, start, _CLAUSE_END)
        clause = max(own, prev_end)                   # a list in one clause: 濫用12%及公平性問題10%
        prev_end = end
        words = joined[own:_end_of(joined, end, _CLAUSE_END)]
        before = joined[_start_of(joined, own - 1, _CLAUSE_END):own] if own > sentence else ""
        listed = joined[own - 1:own] == "、" or (re.search("[占佔]", words) is not None
                                                  and not any(own - len(before) <= f[0] < own for f in figures))
        if not _keep(kind, full, words, before):
            continue
        excepted = rules()["excepted"].sub(lambda m: " " * len(m.group(0)), joined)    # 除日本以外
        scope = scope_of(excepted, (start, end), sentence, clause, sec.get("scope"), companies)
        if scope is None:
            continue                      # no place printed
        line_no, last = (max(ln for off, ln in offsets if off <= pos) for pos in (start, end - 1))
        publisher = _publisher(joined, sentence, start)
        chart = rules()["chart"].search(joined, sentence, start)     # 如圖3調查結果顯示: its 資料來源's publisher
        publisher = publisher or (figure_publisher(lines, chart.group("number")) if chart else None)
        if publisher is None and sec.get("needs_publisher"):
            continue                      # a section mixing the plan's own figures with published ones
        p_start, p_end, _ = period_of(joined[sentence:start], dated_events=True)
        if p_start is None and sentence and rules()["refers"].match(joined, sentence):    # 報告中亦指出: that report's
            p_start, p_end, _ = period_of(joined[_start_of(joined, sentence - 1, _SENTENCE_END):sentence],
                                          dated_events=True)
        rows.append({
            "record_id": f"{ex.source_id}:text-{sec['section']}:L{line_no}:{k}", "scope": scope,
            "indicator": _indicator(words, before if listed else "", kind, _pledged(kind, full, words),
                                    joined[sentence:start]),
            "measure": joined[clause:_end_of(joined, end, _CLAUSE_END)].replace("**", "").strip().lstrip(")）"),
            "section": sec["section"], "subject": None,
            "period_start": p_start, "period_end": p_end, "value": value, "unit": unit,
            "value_printed": printed, "publisher": publisher, "other_locators": None,
            "source_id": ex.source_id, "source_locator": f"L{line_no}-{last}"})
    return rows


def _paragraphs_of(lines: list[str], sec: dict, taken: set[int]) -> list[list[tuple[int, str]]]:
    """The section's paragraphs, without the lines in ``taken`` (0-based: the spec's ``kpi_text`` sections and
    mapped tables, whose figures are other tables' business) and without markdown headings (``#### 3. PolyAI``
    is no sentence of the paragraph it opens); with ``per_line: true`` (slides) every line is a paragraph, and a
    bullet (``bullet``: ``- …``) is running text even when it looks like chart text (002 L532
    運用異質整合封裝技術將該加速卡之面積縮減80%: no punctuation, two digits)."""
    span = section_span(lines, sec)
    if span is None:
        return []
    paras = [[(n, t) for n, t in para if n - 1 not in taken and not t.startswith("#")]
             for para in paragraphs(lines, span[0] + 1, span[1])]
    if sec.get("per_line"):
        items = {n: t for para in paras for n, t in para}
        items.update({i + 1: lines[i].strip()[m.end():] for i in range(span[0] + 1, span[1])
                      if i not in taken and i + 1 not in items and (m := rules()["bullet"].match(lines[i].strip()))})
        return [[(n, items[n])] for n in sorted(items)]
    return [p for p in paras if p]


def map_indicator_text(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: ``indicators`` rows for the figures of the spec's ``indicator_text`` sections."""
    kept: list[dict] = []
    taken = {i for sec in spec.get("kpi_text") or [] if sec.get("sentences") != "planned"
             if (sp := section_span(lines, sec)) for i in range(*sp)}
    taken |= {i for t in tables for i in range(t.body_lines[0] - 1, t.body_lines[1])}
    for sec in spec.get("indicator_text") or []:
        for para in _paragraphs_of(lines, sec, taken):
            for row in _rows_of_paragraph(ex, para, sec, lines):
                key = lambda r: (r["indicator"], r["value"], r["unit"], r["scope"], r["period_start"],  # noqa: E731
                                 r["period_end"], re.sub(r"\s+", "", r["measure"]))
                same = next((r for r in kept if key(r) == key(row)), None)
                if same is None:
                    kept.append(row)
                else:
                    same["other_locators"] = "; ".join(filter(None, [same["other_locators"], row["source_locator"]]))
    market = {(loc, r["value_printed"]) for r in ex.rows.get("market_figures", []) if ":text-" in r["record_id"]
              for loc in [r["source_locator"], *(r["other_locators"] or "").split("; ")]}
    ex.rows["indicators"].extend(r for r in kept if (r["source_locator"], r["value_printed"]) not in market)
