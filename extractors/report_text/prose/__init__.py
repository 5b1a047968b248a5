"""Policy instruments named in running text, headings and slides -> ``policy_mentions`` (+ ``policy_relations``).

The reading, in order (rules in ``rules/prose.yaml``, per-source settings in ``specs/<source_id>.prose.yaml``):

1. **Layout.** Each line is a table line (tab-separated: tables are read by report_text/tables.py), a
   heading (markdown ``#`` or a numbering pattern of the spec; a ``#`` line ending in 。 is a wrapped body
   line, not a heading), a footnote or citation (``<sup>`` notes, lines with URLs or 檢視時間 / Accessed on),
   or body text. Sections whose heading matches the spec's ``skip_sections`` (table of contents, reference
   list ...) are skipped up to the next heading of the same or a higher level; ``stop`` ends the reading.
2. **Sentences.** Body lines are joined into paragraphs across line breaks, page breaks and footnotes until a
   sentence ends (。!?), then split into sentences; a slide deck (``mode: slide``) reads every line alone.
   Each sentence keeps the snapshot lines it spans (its locator).
3. **Titles.** A sentence names an instrument with a title in 《》 or 「」 (a word such as 計畫 or 倡議 printed
   right after the closing mark belongs to the title), an executive order by number (第 14110 號行政命令), a
   Chinese name followed by its English name in brackets (通用資料保護規則(General Data Protection
   Regulation, GDPR)), a specific name after a verb such as 核定 / 推出 (核定之臺灣 AI 行動計畫 2.0), a heading
   that is itself a name, or a slide line that is itself a name. The title's core must end with an
   instrument word; report, event and generic words reject it (``rules/prose.yaml``). A footnote number
   glued to the end (法案³, 路線圖 1258) is not part of the title; everything else is kept as printed.
   Names whose last word is not an instrument word count when the words around them say what they are
   (issue 15 item 3, each rule in ``rules/prose.yaml`` with the line it was read from): an English name in
   brackets ending with a fund, facility, consortium or data-space word, or an EDIC acronym (a public
   consortium: 語言技術聯盟 (…, ALT-EDIC)); a name printed as the source an amount comes from (900 萬歐元來自
   展望歐洲 (Horizon Europe)); a Japanese original in brackets ending with 事業 / 計画 / 考え方 … when the
   Chinese rendering hides the kind; a name in 「」 right after its kind (培育計畫「マナビDX Quest」), or a
   platform a public body operates (…運營的「マナビ DX」平台); a view in 「」 with its issuing body right before
   it (…小委員會的「AI 與著作權相關觀點」, that body its issuer); 進程 and 工程 in marks (「廣島 AI 進程」,
   「東數西算」工程); 一個稱為「X」 names X. Second round (``prose/named.py``, ``named_by_context``): issuer +
   year + kind (韓 國科技部 2024 年政策實施計畫), a fund a government sets up (設立了…的北京機器人產業發展投資基金),
   a successor of a marked system (「富岳」後繼機型), a system a public body builds named after its kind
   (國科會打造的在地大型語言模型TADIE), an item of an enumeration ending with an instrument word (…、TAIDE 計畫、…);
   a name given before and printed again, whole or shorter by one run
   (``prose/again.py``: 「AI安全研究所」 for AI 安全性研究所).
4. **Who, where, when.** Jurisdiction: a country or organisation named in the title, else the nearest one
   before the title in the sentence, else the section's heading stack, else the spec's default; a name an
   earlier sentence gave an intergovernmental convener (G7 → ``INT``) stays ``INT`` where a later one has
   only the country presenting it (日本提出「廣島 AI 進程」). Issuer: the
   nearest organisation before the title in its clause (else in the sentence). Date: the printed date
   nearest before the title in the sentence (else the nearest after it); years that are targets or periods
   (至 2027 年, 2030 年前) are not issue dates. Identifier: a title that is an official number
   (第 14110 號行政命令 -> ``EO 14110``; rules in ``extractors/core/rules/identifiers.yaml``, applied by
   :func:`extractors.core.identifiers.identifier_in` to every mention, tables and lists too).
5. **Not mentions.** Recommendations by the authors (建議 / 應 ... 制定 X), instruments of companies and
   private bodies, and anything in skipped sections.
6. **Relations.** Two titles in one sentence with a cue between them (撤銷: revokes, 取代: replaces ...) or
   before one of them (為因應 B ... A: A implements B) give one ``policy_relations`` row.
7. **Stages.** A clause that states a stage of a named instrument with a date (2021 年推出《…》草案: proposed,
   本法案在 2024 年完成立法: adopted, 同年 8 月上路: entered_into_force, 2026 年全面生效: applies_from, 發布 /
   公布: published, 施行, 簽署, 撤銷, 修訂 ...) gives one ``policy_events`` row on that title's mention; cues
   and the lines that justify them in ``rules/stages.yaml``; precision over recall (``prose/stages.py``).

The modules, each importing only those listed before it: ``rules`` (the compiled vocabulary), ``places``
(organisations and countries in text), ``layout`` (1, 2), ``titles`` (what a title is, 3), ``named`` (names whose
kind the words around them tell, 3), ``candidates`` (where titles are printed, 3), ``again`` (names printed again,
3), ``context`` (4, 5 and 6), ``lists`` (declared lists and the document's own title), ``stages`` (7),
``mentions`` (the rows).
"""
from __future__ import annotations

from extractors.report_text.prose.mentions import extract_mentions
from extractors.report_text.prose.titles import english_title, strip_glued_note

_strip_glued_note = strip_glued_note      # the name tests/test_prose.py calls

__all__ = ["english_title", "extract_mentions", "strip_glued_note"]
