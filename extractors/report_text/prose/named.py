"""Names whose kind the words around them tell (issue 15 item 3, second round): instruments printed without title
marks, or without an instrument word at their end, that running text still names. The words are in
``rules/prose.yaml`` ``named_by_context``; each kind of naming cites the line it was read from:

* **Issuer, year and kind** (``issuer_year``): an organisation of ``organisations``, a year, and a name ending
  with a strong instrument word, unmarked (000 L2320 韓 國科技部 2024 年政策實施計畫). The title is the year and
  the name, as printed; the organisation is read as its issuer. A verb of ``unquoted_triggers`` opening the name
  (行政院 2018 年推動…方案) makes it a clause, not a name. How: ``unquoted`` (the checks of a name printed
  without marks: no particle, no quantity, not generic).
* **A fund or programme set up** (``set_up_verbs``, ``set_up_size``, ``set_up_words``): after a set-up verb
  (設立, 成立 …; 了 may follow), an optional size phrase ending in 的, a name ending with 基金 (not 基金會, a
  foundation), 計畫 or 專案 that begins with a jurisdiction (``jurisdiction_aliases``: 北京) or an organisation
  of ``organisations``, so a company's fund is not read (000 L2382 北京也於 2024 年初設立了目標規模為 100 億
  人民幣的北京機器人產業發展投資基金). How: ``set_up``.
* **An enumeration** (``list_lead``, ``list_tail``): in a clause listing three items or more between 、, an item
  ending with a strong instrument word is a name printed without marks (003 L824 …AI Forum、TAIDE 計畫、…), the
  words introducing the list (包括, 例如 …) or closing it (等) set aside. How: ``unquoted`` (its checks: Latin
  letters or digits before the instrument word, no particle, not generic).
* **A successor** (``successor``): a name in 「」 followed by 後繼機型 / 後繼機 / 後繼系統 names the successor
  system, marks and kind included (000 L2604 超級電腦「富岳」後繼機型), when an organisation with a jurisdiction
  is named earlier in the sentence and no company. How: ``successor``. extractors/resolve (rule 1g) joins it
  with the next generation of that system the document names (「富岳 NEXT」).
* **A system a public body builds** (``built_verbs``, ``built_kinds``): an organisation with a jurisdiction,
  a verb (打造, 開發, 訓練 …), optional 的 / 之 and a description ending with its kind (模型, 平台, 系統 …), then
  a Latin name of two capitals or more that is not a technology word (``built_not_names``) (001 L273 國科會
  打造的在地大型語言模型TADIE, printed as spelled). How: ``built``.
* **A body convened** (``convened``): a name ending with 推動小組 / 委員會 / 審議會 right before a numbered meeting
  (002 L411 智慧國家推動小組第3次會議結論) is a standing body, an institution; the meeting is no record. How:
  ``set_up`` (its checks).
"""
from __future__ import annotations

import re

from extractors.report_text.prose.places import juris_of, orgs_in, places_in
from extractors.report_text.prose.rules import CJK, rules

_NAME_CHARS = rf"[{CJK}A-Za-z0-9]"


def _issuer_year(text: str) -> list[tuple[str, int, int, str]]:
    """(title, start, end, how) of names printed as organisation + year + name (module docstring)."""
    r = rules()
    name = re.compile(rf"[{CJK}]{{2,12}}?(?:{r.strong})")
    out = []
    for _, end, _, _ in orgs_in(text):
        year = r.named["issuer_year"].match(text, end)
        m = year and name.match(text, year.end())
        if m and not re.match(rf"(?:{r.triggers})", m.group(0)):      # 2018 年推動…方案: a verb, not a name
            out.append((text[year.start(1):m.end()], year.start(1), m.end(), "unquoted"))
    return out


def _begins_with_setter(name: str) -> bool:
    """The name begins with a jurisdiction or an organisation of ``organisations``."""
    return bool(juris_of(name[:4])) or any(name.startswith(o) for o, _ in rules().orgs)


def _set_up(text: str) -> list[tuple[str, int, int, str]]:
    """(title, start, end, how) of funds and programmes set up (module docstring)."""
    n = rules().named
    pat = re.compile(rf"(?:{n['set_up_verbs'].pattern})了?(?:{n['set_up_size'].pattern})?\s*"
                     rf"({_NAME_CHARS}{{2,20}}?(?:{n['set_up_words'].pattern}))(?!會|組織)")
    out = []
    for m in pat.finditer(text):
        if _begins_with_setter(m.group(1)) and not rules().private.search(m.group(1)):
            out.append((m.group(1), m.start(1), m.end(1), "set_up"))
    return out


def _listed(text: str) -> list[tuple[str, int, int, str]]:
    """(title, start, end, how) of items of an enumeration ending with a strong instrument word (module
    docstring)."""
    r = rules()
    out = []
    for clause in re.finditer(r"[^,，;；。:：]+", text):
        if clause.group(0).count("、") < 2:
            continue
        for item in re.finditer(r"[^、]+", clause.group(0)):
            name = r.named["list_tail"].sub("", r.named["list_lead"].sub("", item.group(0)))
            start = clause.start() + item.start() + item.group(0).find(name)
            name = name.strip()
            start += len(text[start:]) - len(text[start:].lstrip())
            if re.search(rf"(?:{r.strong})$", name) and not re.search(r"[()（）]", name):
                out.append((name, start, start + len(name), "unquoted"))
    return out


def _built(text: str) -> list[tuple[str, int, int, str]]:
    """(title, start, end, how) of systems a public body builds, named after their kind (module docstring)."""
    n = rules().named
    pat = re.compile(rf"\s*(?:{n['built_verbs'].pattern})\s*(?:的|之)?\s*[{CJK}]{{0,10}}?(?:{n['built_kinds'].pattern})"
                     r"\s*([A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)(?![A-Za-z0-9])")
    out = []
    for _, end, _, juris in orgs_in(text):
        m = pat.match(text, end)
        if juris and m and not n["built_not_names"].match(m.group(1)) and len(m.group(1)) >= 3:
            out.append((m.group(1), m.start(1), m.end(1), "built"))
    return out


def named_spans(text: str) -> list[tuple[str, int, int, str]]:
    """(title as printed, start, end, how) of every name of a sentence the words around it name (module
    docstring), in the order of the kinds above."""
    convened = [(m.group("name"), m.start("name"), m.end("name"), "set_up")
                for m in rules().named["convened"].finditer(text)]
    return _issuer_year(text) + _set_up(text) + _listed(text) + _built(text) + convened



def successor_end(text: str, start: int, end: int) -> int | None:
    """The end of the successor word (``successor``: 後繼機型 …) printed right after the 「」 name at
    text[start:end], when an organisation with a jurisdiction or a country is named before it in the sentence
    and no company; else None."""
    m = rules().named["successor"].match(text, end)
    if not m or text[start] != "「" or rules().private.search(text[:start]):
        return None
    # the actor may be a country (000 L2802 日本…擘劃現役超級電腦「富岳」之後續機型)
    return m.end() if any(j for _, _, _, j in orgs_in(text[:start])) or places_in(text[:start]) else None
