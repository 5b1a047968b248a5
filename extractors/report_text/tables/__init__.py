"""Shared table mechanics: find captioned tables in a plain-text conversion and rebuild their rows.

The conversions in ``sources/`` flatten each PDF table into tab-separated lines (see shared/sources/README.md).
This package knows how such a table looks in the text; *which* tables a document holds and what their columns
mean is declared per source in ``extractors/report_text/specs/<source_id>.yaml``.

Mechanics handled here (modules in brackets):

* captions are found in the body, never in the list of tables at the top (whose lines are
  ``表 1-1<TAB>title<TAB>page`` and may number tables differently) nor in prose references
  (``# 表 3-7 為中國推動…。`` or ``## 表 3-14)。``) (:mod:`.captions`);
* the body may come after its caption or before it (表 2-1 prints the caption under the body);
* a table split by a page break repeats its header after footnotes: the body continues there;
* rows continue after a blank line with no repeated header (表 3-5, 3-8) (:mod:`.body`);
* ``row_mode: wrapped`` rebuilds logical rows whose cells wrap over several lines (表 3-7), closing a
  row when every column's text is complete by the column's ``complete`` pattern (:mod:`.wrapped`);
* OCR garbage cells (stray Cyrillic, symbol runs, scattered single characters) are dropped from the
  rebuilt text and reported (see :func:`is_ocr_garbage`, :mod:`.cells`);
* ``row_mode: stub`` joins wrapped row labels (表 1-1), ``centred`` assigns text printed centred against a
  shorter label (表 3-5), ``fixed`` takes ``lines_per_row`` lines per row (表 3-9); ``spread_collapsed``
  gives back words one cell printed for its empty neighbours (表 2-4) (:mod:`.rows`); ``body: none`` keeps
  a table printed as a chart or image as its caption only (表 2-5, 2-6);
* uncaptioned tables and slide blocks are found by anchors in their spec (:mod:`.locate`).

The names below are the package's public interface; the data model is in :mod:`.model`.
"""
from extractors.report_text.tables.body import caption_only, extract_table
from extractors.report_text.tables.captions import find_captions, find_tables
from extractors.report_text.tables.cells import clean_cell, display_width, is_ocr_garbage, join_fragments, \
    read_cell
from extractors.report_text.tables.locate import bullet_rows, locate_table, pair_rows
from extractors.report_text.tables.model import CAPTION_RE, SOURCE_NOTE_RE, UNIT_NOTE_RE, Caption, Garbage, \
    ReportTable, Row, TableError, caption_id, cell, publisher_of
from extractors.report_text.tables.rows import fill_merged

__all__ = ["CAPTION_RE", "SOURCE_NOTE_RE", "UNIT_NOTE_RE", "Caption", "Garbage", "ReportTable", "Row",
           "TableError", "bullet_rows", "caption_id", "caption_only", "cell", "clean_cell", "display_width",
           "extract_table", "fill_merged", "find_captions", "find_tables", "is_ocr_garbage", "join_fragments",
           "locate_table", "pair_rows", "publisher_of", "read_cell"]
