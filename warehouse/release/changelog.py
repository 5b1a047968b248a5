"""``CHANGELOG.md`` of a release, rendered from ``warehouse/release/templates/changelog.md.j2``.

The change table (:func:`warehouse.release.diff.diff_releases`) is grouped here into what the template lists: counts per
table and change kind, then per table the changed records (field: old -> new) and the added and removed ids, at
most ``limit`` records per list (``changes.parquet`` has them all).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warehouse.release.diff import CHANGE_KINDS, CHANGES_FILE, summarise
from warehouse.release.templating import render

if TYPE_CHECKING:
    import pyarrow as pa

TEMPLATE = "changelog.md.j2"
LIST_LIMIT = 200             # records listed per table and change kind in CHANGELOG.md (all are in the parquet)


@dataclass
class ChangedRecord:
    """One changed record: its key and its changed fields (dicts with ``field``, ``old_value``, ``new_value``)."""
    key: str
    fields: list[dict] = field(default_factory=list)


@dataclass
class Section:
    """What CHANGELOG.md lists for one table."""
    name: str
    changed: list[ChangedRecord] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def add(self, row: dict) -> None:
        """Take one change row (a :func:`warehouse.release.diff.changes_schema` row of this table)."""
        if row["change"] != "changed":
            getattr(self, row["change"]).append(row["record_key"])
        elif self.changed and self.changed[-1].key == row["record_key"]:
            self.changed[-1].fields.append(row)
        else:
            self.changed.append(ChangedRecord(row["record_key"], [row]))


def sections(changes: pa.Table, names: list[str]) -> list[Section]:
    """Per table in ``names`` order (tables without a change left out) the changed records, in change-table
    order (a record's field rows are adjacent there), and the added and removed keys."""
    by_name = {name: Section(name) for name in names}
    for row in changes.to_pylist():
        by_name[row["table_name"]].add(row)
    return [s for s in by_name.values() if s.changed or s.added or s.removed]


def changelog_markdown(changes: pa.Table, old_version: str | None, new_version: str, *,
                       limit: int = LIST_LIMIT) -> str:
    """``CHANGELOG.md`` text: counts per table and change kind, then per table the changed records (field
    old -> new) and the added and removed ids, ``limit`` records per list. ``old_version`` None means a first
    release (then only the record count per table). ``changes`` has the :func:`warehouse.release.diff.changes_schema`
    columns; a table name not in the contract gets a section after the contract's tables."""
    summary = summarise(changes)
    total = {k: sum(c[k] for c in summary.values()) for k in CHANGE_KINDS}
    return render(TEMPLATE, old_version=old_version, new_version=new_version, summary=summary, total=total,
                  sections=sections(changes, list(summary)), limit=limit, changes_file=CHANGES_FILE)
