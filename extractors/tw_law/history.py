"""Reading a law's 沿革 (``LawHistories``) and 施行 notes: the stages they state, with dates as printed.

``LawHistories`` is text with ``\\r\\n`` line breaks: numbered entries (``1.``, ``2.`` ...), one per enactment or
amendment, continued on lines indented by two spaces. An entry's first statement is the order that enacted or
amended the law; later lines of the entry that start with ``中華民國`` are statements of their own (the Executive
Yuan's decree setting the date of entry into force, a notice moving the competent authority). A statement's lines
are joined as printed (the line break and the indentation dropped, every other space kept).

Each statement starts with its date in ROC words (``中華民國八十四年八月十一日``: year 84 of the Republic = 1995,
:func:`roc_date`). What it states (rules in ``settings.yaml`` ``history``):

- the order's action (``actions``: ``令制定公布`` / ``令訂定發布`` -> promulgated; ``令修正公布`` ... -> promulgated and
  amended, the scope being the articles printed after it, e.g. ``第 48、56 條條文；並增訂第 1-1  條條文``, or none
  for ``全文``; ``令廢止`` -> repealed), on the statement's date; amended and repealed carry the order as printed
  (``總統華總一義字第 09900125121  號令``) as ``related_identifier``;
- entry into force (:func:`in_force`): ``自公布日施行`` / ``自發布日施行`` on the statement's date, ``(定)自<date>施行``
  on that date; the scope is what the clause names before it (``第 48 條條文``, ``除第 6、54  條條文外，其餘條文``),
  for a bare decree (``發布定自一百零五年三月十五日施行``) the articles its entry amended. A clause leaving the date
  to the Executive Yuan (``施行日期，由行政院定之``) states no date: the record's LawEffectiveDate does (99991231);
- ``ignore`` rules: statements of no stage (a notice moving the competent authority). Any other statement is
  returned as unread, for a quality flag.

Legal note: 中央法規標準法 第 13 條 makes a law "in force from the day of promulgation" effective from the third
day counted from that day; the events keep the date the history prints.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extractors.tw_law.config import Rule

DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
UNITS = {"十": 10, "百": 100}
NUM = "[〇零一二三四五六七八九十百]+"
ROC_DATE = re.compile(rf"(?:中華民國)?(?P<y>{NUM})年(?P<m>{NUM})月(?P<d>{NUM})日")
ENTRY = re.compile(r"^(?P<n>\d+)\.")
STATEMENT = re.compile(rf"^中華民國{NUM}年{NUM}月{NUM}日")
ON_PROMULGATION = re.compile(r"自(?:公布|發布)(?:之)?日(?:起)?施行")
ON_DATE = re.compile(rf"(?P<fixed>定)?自(?P<date>(?:中華民國)?{NUM}年{NUM}月{NUM}日)(?:起)?施行")
ORDER = re.compile(r"^(?P<order>.*?號)\s*令")
WHOLE = re.compile(r"^(?:名稱及)?全文")
ROC_OFFSET = 1911


class HistoryError(ValueError):
    """A date in ROC words that cannot be read."""


def zh_number(text: str) -> int:
    """A number in Chinese numerals as the histories print them: ``八十四`` 84, ``一百零一`` 101, ``一百十`` 110,
    ``十一`` 11. Raises HistoryError for any other character."""
    total, digit = 0, None
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in UNITS:
            total += (1 if digit is None else digit) * UNITS[char]
            digit = None
        else:
            raise HistoryError(f"{text!r} is not a number in Chinese numerals")
    return total + (digit or 0)


def roc_date(printed: str) -> dt.date:
    """``中華民國八十四年八月十一日`` or ``一百零一年十月一日`` -> the Gregorian date (ROC year + 1911).
    Raises HistoryError when it is not such a date."""
    m = ROC_DATE.fullmatch(printed.strip())
    if not m:
        raise HistoryError(f"{printed!r} is not a date in ROC words")
    try:
        return dt.date(zh_number(m["y"]) + ROC_OFFSET, zh_number(m["m"]), zh_number(m["d"]))
    except ValueError as exc:
        raise HistoryError(f"{printed!r}: {exc}") from exc


@dataclass(frozen=True)
class Stage:
    """One stated stage: ``event``, its date (``on``, None when unknown) and the date ``printed``, ``scope`` as
    printed (None: the whole instrument), ``related_identifier`` (the amending order as printed)."""

    event: str
    on: dt.date | None
    printed: str | None
    scope: str | None = None
    related_identifier: str | None = None


@dataclass
class Statement:
    """One dated statement of an entry: ``entry`` number as printed, ``index`` within the entry (1 = the order
    the entry is about), ``text`` as printed (lines joined), and what was read from it."""

    entry: int
    index: int
    text: str
    date_printed: str
    stages: list[Stage] = field(default_factory=list)
    ignored: bool = False
    error: str | None = None


def statements(histories: str) -> list[Statement]:
    """The dated statements of a LawHistories text, in order (see module docstring). Lines before the first
    numbered entry, or an entry line that starts with no date, are kept in the statement they follow."""
    out: list[Statement] = []
    entry = 0
    for line in histories.replace("\r\n", "\n").split("\n"):
        body = line.lstrip(" \u3000")
        m = ENTRY.match(body)
        if m:
            entry, body = int(m["n"]), body[m.end():]
        date = STATEMENT.match(body)
        if date:
            index = 1 if m or not out or out[-1].entry != entry else out[-1].index + 1
            out.append(Statement(entry, index, body, date.group(0)))
        elif out:
            out[-1].text += body
    return out


def clauses(text: str) -> list[str]:
    """A statement cut at ``；`` and before ``，但`` (a proviso is a clause of its own)."""
    return [c for part in text.split("；") for c in re.split(r"，(?=但)", part) if c]


def _scope(prefix: str) -> str | None:
    """What a clause names before its 施行 phrase: after the order (``...號令發布``), without a leading 並 / 但 and
    trailing commas; None when nothing is left."""
    if "號令" in prefix:
        prefix = prefix.rsplit("號令", 1)[1]
    prefix = re.sub(r"^(?:發布|公布)", "", prefix.strip())
    prefix = re.sub(r"^[並但]", "", prefix).rstrip("，, ")
    return prefix or None


def in_force(statement: Statement, on: dt.date | None, inherited: str | None) -> list[Stage]:
    """The entered_into_force stages of a statement (module docstring): on the statement's date (``on``) or the
    date printed in the clause; the scope printed, else ``inherited`` (the articles the entry amended)."""
    stages = []
    for clause in clauses(statement.text):
        m = ON_DATE.search(clause)
        if m:
            scope = _scope(clause[:m.start()])
            stages.append(Stage("entered_into_force", roc_date(m["date"]), m["date"], scope or inherited))
            continue
        m = ON_PROMULGATION.search(clause)
        if m:
            scope = _scope(clause[:m.start()])
            stages.append(Stage("entered_into_force", on, statement.date_printed, scope or inherited))
    return stages


def action_scope(text: str, at: int) -> str | None:
    """The scope of an amendment: the rest of its clause after the action (``第 6～8、11 ... 條條文``) and any
    following clause that adds or deletes articles (``並增訂第 1-1  條條文``); None for ``全文``."""
    parts = text[at:].split("；")
    kept = [parts[0]] + [p for p in parts[1:] if re.match(r"^並?(?:增訂|刪除)", p)][:1]
    scope = "；".join(p.strip() for p in kept if p.strip()) or None
    return None if scope is None or WHOLE.match(scope) else scope


def read(histories: str, actions: tuple[Rule, ...], ignore: tuple[Rule, ...]) -> list[Statement]:
    """The statements of ``histories`` with their stages read (see module docstring). A statement with a date
    that cannot be read (the database prints 中華民國六十九年八月三十六日 once) keeps no stage and says why in
    ``error``."""
    out = statements(histories)
    amended: dict[int, str | None] = {}
    for s in out:
        try:
            _read_statement(s, actions, amended)
        except HistoryError as exc:
            s.stages, s.error = [], str(exc)
            continue
        s.ignored = not s.stages and any(r.pattern.search(s.text) for r in ignore)
    return out


def _read_statement(s: Statement, actions: tuple[Rule, ...], amended: dict[int, str | None]) -> None:
    on = roc_date(s.date_printed)
    order = ORDER.match(s.text[len(s.date_printed):])
    for rule in actions:
        m = rule.pattern.search(s.text)
        if m:
            scope = action_scope(s.text, m.end()) if "amended" in rule.events else None
            amended.setdefault(s.entry, scope)
            related = order["order"] + "令" if order else None
            s.stages += [Stage(e, on, s.date_printed, scope, related if e in ("amended", "repealed") else None)
                         for e in rule.events]
            break
    s.stages += in_force(s, on, amended.get(s.entry))


def issuer(statement: Statement, issuers: tuple[str, ...]) -> str | None:
    """The authority the statement's order starts with (the longest of ``issuers`` printed right after the date),
    or None."""
    body = statement.text[len(statement.date_printed):]
    hits = [name for name in issuers if body.startswith(name)]
    return max(hits, key=len) if hits else None
