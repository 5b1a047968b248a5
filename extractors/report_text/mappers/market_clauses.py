"""Market and economic figures in dense running text, read clause by clause (issue 15, item 1): document 000's
第二章 (BI, 麥肯錫, 高盛, 摩根大通, MarketsandMarkets, Deloitte forecasts between 表 2-1..2-6) and 第三章 第二節; the
rest of documents 001-004 after their first sections (003 肆's L535 CAGRs).

Spec key ``market_text`` (``specs/<source_id>.yaml``), the sections marked ``read: clauses`` (the others are
:mod:`.market_text`'s): ``{section, start, end, scope, read}`` (regexes of the heading line and of the first line
after the section; ``scope`` the place a figure is about when its sentence names none; ``publisher``, optional,
the publisher a section's opening names for the figures of its sub-sections). Amounts, the period and
the scope are read by the functions the other running-text readers use (:func:`.market_text.figures_of`,
:func:`.market_text.period_of`, :func:`.indicator_scope.scope_of`); the words that decide are data in
``rules/market_clauses.yaml`` (each rule cites the lines it was written from). Output: ``market_figures`` rows
(``record_id`` ``<source>:text-<section>:L<line>:<n>``, ``source_locator`` ``L<first>-<last>``, a figure cut by
a line break spanning two lines), ``direction`` NULL.

* paragraphs (:func:`paragraphs`): a sentence end (。 or ：, then a footnote number or a (圖 2-1) reference) ends
  one; a heading line stands apart; captions, 資料來源 lines, footnotes and table rows are not running text;
* figures: an amount with a currency (``2.6 至 4.4 兆美元``, ``39.1 億元人民幣``; ``14.4 兆元`` prints none and
  is not read), a percentage or a range of percentages (``0.1%至 0.6%``), percentage points (``1.4 個百分點``),
  a growth multiple (``17 倍``), tenths (003 L1277 ``9 成``); a figure inside a range is the range's; clauses
  end at ，,；。 (not at a thousands separator: 44,080); a sentence naming the programme itself (``own``:
  本計畫, 本分項) states its targets, the kpis' (:mod:`.kpi_text`), and is not read;
* metric: the first ``metrics`` rule of the figure's kind whose words are in its clause (``before``), right after
  it (``after``) and in its sentence from the last 。 (``sentence``), ``metrics`` then ``more_metrics``
  (publisher cues likewise: ``publisher_cues`` then ``more_publisher_cues``); a figure no rule names is not a market
  figure (it is left to :mod:`.indicator_text`), and neither is a scenario variant (``skip``: 最強的 GenAI 功能
  下); a bound is one, with ``qualifier`` and ``bound`` (:func:`.market_terms.qualifier_of`: 皆超過 5% -> lower);
* segment: the sector as printed (``segments``: 以軟體市場成長幅度最高, CAGR 達 12% -> 軟體), NULL: the market;
* publisher, as printed: the last name a ``publisher_cues`` pattern finds before the figure in its sentence, else
  one at the paragraph's opening, else the previous paragraph's opening one when this paragraph opens with
  ``continues`` (根據預測), else for a sentence opening with ``refers`` (該研究) the last one of the sentence
  before, else the spec section's ``publisher`` (printed at its opening, cited in the spec); a figure without one
  is left out (``market_figures.publisher`` is required). The English name is
  :func:`.market_terms.finish_source`'s; the publication date is read here, from the figure's paragraph or the
  one before only (:func:`_published`): the same publisher's other reports are dated elsewhere;
* period: the years of a ``分別`` list paired in order with the figures after it (``2023 年、2027 年及 2032 年…
  分別高達 44,080 億美元、59,370 億美元及 99,640 億美元``); else for a CAGR a ``from_to`` growth (從 2024 年…至
  2030 年); else the last year or range printed before the figure in its sentence
  (:func:`.market_text.period_of`, publication dates and ``not_period`` years aside), ``每年`` after it ->
  per_year (the 每年 of the figure's own clause, or of the clause before when this one restates it: ``restates``,
  即增加); a growth multiple spans the first to the last year of its sentence; else a growth ``up_to`` a
  year after the figure -> by_year; else ``period_words`` in its clause (未來 10 年) -> period without years;
  else point without years;
* scope: :func:`.indicator_scope.scope_of` on the paragraph with the publisher's origin blanked (``origin``: 德國
  Statista is a German publisher, not a German figure);
* the same figure printed again in a source (same metric, segment, ends, unit, period and scope) is one row, the
  other lines in ``other_locators`` (L284 = L574), also when :mod:`.market_text` read it first from the same
  publisher (003 L535 MicKinsey = L79 麥肯錫: rules/market.yaml names both McKinsey & Company).
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.core.records import Extraction
from extractors.report_text.mappers.restated import join_locators
from extractors.report_text.mappers import market_terms
from extractors.report_text.mappers.indicator_scope import scope_of
from extractors.report_text.mappers.running_text import publisher_before, section_span
from extractors.report_text.mappers.market_text import figures_of, period_of
from extractors.report_text.mappers.programme import NUMBER
from extractors.report_text.prose.rules import RULES_DIR

_AFTER = 40
_ORIGIN_WINDOW = 16
_SENTENCE_END = "。；;"
_CLAUSE_END = _SENTENCE_END + "，,"


@lru_cache(maxsize=1)
def rules() -> dict:
    """``rules/market_clauses.yaml`` compiled. Raises RulesError for a missing key."""
    doc = nz.rules_doc("market_clauses", RULES_DIR)
    keys = ("metrics", "segments", "skip", "publisher_cues", "name", "opening", "continues", "refers", "not_period",
            "restates", "origin", "from_to", "up_to", "period_words", "paragraph_end", "heading", "not_prose",
            "more_metrics", "more_publisher_cues", "own")
    require_keys(doc, (), None, keys, nz.RulesError)
    d = doc.data
    known = "|".join(sorted(map(re.escape, market_terms.rules()["publishers"]), key=len, reverse=True))
    name = d["name"].replace("{known}", known)
    cur = "|".join(sorted(nz.load_rules("units")["currencies"], key=len, reverse=True))
    out = {k: re.compile(d[k]) for k in ("skip", "continues", "refers", "not_period", "restates", "origin",
                                         "from_to", "up_to", "period_words", "paragraph_end", "heading", "not_prose",
                                         "own")}
    out["metrics"] = [{"metric": r["metric"], "kind": r["kind"], **{k: re.compile(r[k]) for k in
                       ("before", "after", "unless", "sentence") if k in r}} for r in d["metrics"] + d["more_metrics"]]
    out["segments"] = [re.compile(p) for p in d["segments"]]
    out["publishers"] = [re.compile(c.replace("{name}", name)) for c in d["publisher_cues"] + d["more_publisher_cues"]]
    out["opening"] = d["opening"]
    out["extra"] = [  # figures market_text.figures_of does not read: (regex, kind)
        (re.compile(rf"(?P<low>{NUMBER})\s*%?\s*(?:至|~|～)\s*(?P<high>{NUMBER})\s*(?P<unit>%)"), "pct"),
        (re.compile(rf"(?P<low>{NUMBER})(?:\s*(?:至|~|～)\s*(?P<high>{NUMBER}))?\s*(?P<unit>個百分點)"), "points"),
        (re.compile(rf"(?P<low>{NUMBER})\s*(?P<unit>(?:萬|億|兆)\s*元\s*(?:{cur}))"), "amount"),
        (re.compile(rf"(?P<low>{NUMBER})\s*(?P<unit>倍)"), "times"),
        (re.compile(r"(?<![\d.])(?P<low>\d+)\s*(?P<unit>成)(?![長立功為本員])"), "tenths")]
    return out


def paragraphs(lines: list[str], start: int, end: int) -> list[list[tuple[int, str]]]:
    """The paragraphs of lines ``start``..``end`` (0-based, end excluded): lists of (1-based line, text), by the
    ``paragraph_end``, ``heading`` and ``not_prose`` rules (lines without a Chinese character left out too)."""
    r, out, cur = rules(), [], []
    for i in range(start, end):
        text = lines[i].strip()
        if not text or r["not_prose"].search(text) or not re.search(r"[\u4e00-\u9fff]", text):
            continue
        if r["heading"].match(text):
            out, cur = out + ([cur] if cur else []), []
            continue
        cur.append((i + 1, text))
        if r["paragraph_end"].search(text):
            out, cur = out + [cur], []
    return out + ([cur] if cur else [])


def _figures(text: str) -> list[tuple]:
    """(start, end, low, high, unit as printed, printed, kind) of every figure of a paragraph, in printed order;
    a figure inside another (a range's ends) is left out."""
    found = [(s, e, lo, hi, u, p, "pct" if pct else "amount") for s, e, lo, hi, u, p, pct in figures_of(text)]
    for rx, kind in rules()["extra"]:
        for m in rx.finditer(text):
            low = nz.parse_number(m.group("low"))
            high = nz.parse_number(m.group("high")) if m.groupdict().get("high") else low
            found.append((m.start(), m.end(), low, high, re.sub(r"\s+", "", m.group("unit")), m.group(0), kind))
    return sorted(f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g[:2] != f[:2] for g in found))


def _metric(kind: str, clause: str, after: str, full: str) -> str | None:
    """The first ``metrics`` rule of ``kind`` that holds for the figure's clause, the text after it and its
    ``full`` sentence up to it (from the last 。)."""
    for r in rules()["metrics"]:
        if r["kind"] != kind or ("unless" in r and r["unless"].search(clause)):
            continue
        if all(k not in r or r[k].search(text) for k, text in (("before", clause), ("sentence", full))) \
                and ("after" not in r or r["after"].match(after)):
            return r["metric"]
    return None


def _segment(prefix: str, rest: str) -> str | None:
    """The sector a figure is about, as printed: the ``segments`` match ending last in ``prefix`` (its sentence
    up to it), else the first in ``rest`` (the rest of its clause); None for the whole market."""
    found = [(m.end(), m.group("segment")) for rx in rules()["segments"] for m in rx.finditer(prefix)]
    if found:
        return max(found)[1].strip()
    found = [(m.start(), m.group("segment")) for rx in rules()["segments"] for m in rx.finditer(rest)]
    return min(found)[1].strip() if found else None


def _publisher(text: str, sentence: int, pos: int) -> str | None:
    """The last name a cue finds before ``pos`` in its sentence, else the first at the paragraph's opening
    (:func:`extractors.report_text.mappers.running_text.publisher_before`)."""
    return publisher_before(text, sentence, pos, rules()["publishers"], rules()["opening"])


def _opening(text: str) -> str | None:
    """The publisher named at the opening of a paragraph (see :func:`_publisher`), None when none is."""
    return _publisher(text, len(text), len(text))


def _period(text: str, sentence: int, span: tuple[int, int], metric: str) -> tuple[int | None, int | None, str]:
    """(period_start, period_end, period_basis) of the figure at ``span`` (rules in the module docstring)."""
    r = rules()
    prefix = r["not_period"].sub(lambda m: " " * len(m.group(0)), text[sentence:span[0]])
    listed = prefix.rfind("分別")
    if listed >= 0:
        years = re.findall(r"(\d{4})\s*年", prefix[:listed])
        nth = len(_figures(prefix[listed:]))
        if 0 < len(years) and nth < len(years) and "、" in prefix[listed:] + text[span[1]:span[1] + 2]:
            return int(years[nth]), int(years[nth]), "point"
    # 每年 makes per_year the figure of its own clause and of a clause restating it (L518 每年提高 1.2 至 2.0%
    # 的營業收入,即增加 4,000 至 6,600 億美元), not the next figure's (L292 每年能夠帶來 2.6 至 4.4 兆美元…,
    # 將能提高整體 AI 領域 15%至 40%的經濟價值)
    clause_at = _start_of(prefix, len(prefix), _CLAUSE_END)
    if not r["restates"].match(prefix, clause_at):
        prefix = prefix[:clause_at].replace("每年", "  ") + prefix[clause_at:]
    # a CAGR is a yearly rate by definition: 每年 does not make it per_year (L340 其中每年營收額…CAGR 高達 99%)
    start, end, basis = period_of(prefix.replace("每年", "  ") if metric == "cagr" else prefix, dated_events=True)
    grown = list(r["from_to"].finditer(prefix))
    years = [int(y) for y in re.findall(r"(\d{4})\s*年", prefix)]
    if metric == "growth_multiple" and len(years) > 1:     # L1609 2021 年…110 億美元,2030 年將增長 17 倍
        return years[0], years[-1], "period"
    if metric == "cagr" and grown:
        return int(grown[-1].group("start")), int(grown[-1].group("end")), "period"
    if start is not None or basis == "per_year":
        return start, end, basis
    up_to = r["up_to"].match(text, span[1])
    if up_to:
        return None, int(up_to.group("end")), "by_year"
    clause = prefix[_start_of(prefix, len(prefix), _CLAUSE_END):]
    return (None, None, "period") if r["period_words"].search(clause) else (None, None, "point")


def _start_of(text: str, pos: int, ends: str) -> int:
    """Where the sentence or clause holding ``pos`` starts (a thousands separator 44,080 ends nothing)."""
    masked = re.sub(r"(?<=\d),(?=\d)", "_", text)
    return max(masked.rfind(ch, 0, pos) for ch in ends) + 1


def _end_of(text: str, pos: int, ends: str) -> int:
    masked = re.sub(r"(?<=\d),(?=\d)", "_", text)
    hits = [i for i in (masked.find(ch, pos) for ch in ends) if i >= 0]
    return min(hits) if hits else len(text)


def _origin_masked(text: str, publisher: str) -> str:
    """``text`` with the country printed right before each ``publisher`` name blanked (``origin`` words may stand
    between them): that country is the publisher's origin, not the place a figure is about (L1597 德國 Statista
    資料庫分析, L290 美國諮詢機構麥肯錫)."""
    out = list(text)
    for m in re.finditer(re.escape(publisher), text) if publisher else ():
        lo = max(0, m.start() - _ORIGIN_WINDOW)
        head = text[lo:m.start()]
        head = head[:rules()["origin"].search(head).start()]
        places = nz.places_in(head)
        if places and re.fullmatch(r"[\u4e00-\u9fff]{1,6}", head[places[-1][0]:]) \
                and nz.places_in(head[places[-1][0]:]) == [(0, places[-1][1])]:
            out[lo + places[-1][0]:lo + len(head)] = " " * (len(head) - places[-1][0])
    return "".join(out)


def _published(para, previous, printed: str) -> dict:
    """The publication date columns of a figure: the first line of its paragraph, else of the paragraph before,
    saying its publisher (as printed) published or forecast on a date (``rules/market.yaml`` ``published``);
    NULL when neither does (the publisher's other reports are dated elsewhere in the document: L1593 高盛's 2024
    humanoid robot forecast is not its L282 2023 report)."""
    pattern = re.compile(market_terms.rules()["published"].replace("{name}", re.escape(printed)))
    for n, text in list(para) + list(previous):
        m = pattern.search(text)
        if m:
            date = nz.parse_date(m.group("date"))
            return {"published_on": date.value, "published_precision": date.precision,
                    "published_printed": m.group("date"), "published_locator": f"L{n}"}
    return {"published_on": None, "published_precision": None, "published_printed": None, "published_locator": None}


def _rows_of_paragraph(ex: Extraction, para, sec: dict, previous) -> list[dict]:
    """``market_figures`` rows of one paragraph (a list of (1-based line, text)) of spec section ``sec``;
    ``previous`` is the paragraph before (its opening publisher is inherited by a ``continues`` paragraph)."""
    inherited = _opening("".join(t for _, t in previous))
    joined, offsets = "", []
    for line_no, text in para:
        offsets.append((len(joined), line_no))
        joined += text
    r, rows = rules(), []
    for k, (start, end, low, high, unit_text, printed, kind) in enumerate(_figures(joined)):
        sentence = _start_of(joined, start, _SENTENCE_END)
        clause, after = joined[_start_of(joined, start, _CLAUSE_END):start], joined[end:end + _AFTER]
        metric = _metric(kind, clause, after, joined[_start_of(joined, start, "。"):start])
        if metric is None or r["skip"].search(clause) or r["skip"].search(joined[sentence:start]) \
                or r["own"].search(joined[sentence:_end_of(joined, end, _SENTENCE_END)]):
            continue
        publisher = _publisher(joined, sentence, start) or (inherited if r["continues"].match(joined) else None)
        if publisher is None and r["refers"].match(joined, sentence) and sentence:
            publisher = _publisher(joined, _start_of(joined, sentence - 1, _SENTENCE_END), sentence - 1)
        publisher = publisher or sec.get("publisher")
        scope = scope_of(_origin_masked(joined, publisher or ""), (start, end), sentence,
                         _start_of(joined, start, _CLAUSE_END + "、"), sec.get("scope"))
        if publisher is None or scope is None:
            continue
        first, last = (max(ln for off, ln in offsets if off <= pos) for pos in (start, end - 1))
        unit = nz.parse_unit("%" if kind == "pct" else unit_text) if kind in ("pct", "amount") else None
        base = unit.multiplier if unit else None
        p_start, p_end, basis = _period(joined, sentence, (start, end), metric)
        rows.append({
            "record_id": f"{ex.source_id}:text-{sec['section']}:L{first}:{k}", "scope": scope, "metric": metric,
            "segment": _segment(joined[sentence:start], joined[end:_end_of(joined, end, _CLAUSE_END)]),
            "period_start": p_start, "period_end": p_end, "period_basis": basis,
            "value_low": low, "value_high": high, "unit": unit.printed if unit else unit_text,
            "currency": unit.currency if unit else None,
            "value_low_base": low * base if base else None, "value_high_base": high * base if base else None,
            "direction": None, "value_printed": printed, "publisher": publisher, "other_locators": None,
            **market_terms.qualifier_of(clause, after), "source_id": ex.source_id, "source_locator": f"L{first}-{last}",
            **_published(para, previous, publisher)})
    return rows


def map_market_clauses(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: ``market_figures`` rows for the figures of the spec's ``market_text`` sections marked
    ``read: clauses``."""
    kept: list[dict] = []
    named = market_terms.rules()["publishers"]
    earlier = [r for r in ex.rows["market_figures"] if ":text-" in r["record_id"]]    # market_text's rows
    for sec in [s for s in spec.get("market_text") or [] if s.get("read") == "clauses"]:
        span = section_span(lines, sec)
        previous: list = []
        for para in paragraphs(lines, span[0] + 1, span[1]) if span else []:
            for row in _rows_of_paragraph(ex, para, sec, previous):
                key = lambda r: (r["metric"], r["segment"], r["value_low"], r["value_high"], r["unit"],  # noqa: E731
                                 r["period_start"], r["period_end"], r["period_basis"], r["scope"])
                same = next((r for r in kept if key(r) == key(row)), None) or next(
                    (r for r in earlier if key(r) == key(row) and named.get(r["publisher"], r["publisher"])
                     == named.get(row["publisher"], row["publisher"])), None)
                if same is None:
                    kept.append(row)
                else:
                    join_locators(same, row["source_locator"])
            previous = para
    ex.rows["market_figures"].extend(kept)
