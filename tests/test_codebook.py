"""The codebook (schemas.codebook_markdown, rendered from schemas/templates/codebook.md.j2) on the real contract
and on a made-up one that has every kind of rule."""
from __future__ import annotations

import schemas
from schemas import Column, Table


def test_codebook_lists_every_table_and_column():
    text = schemas.codebook_markdown()
    assert text.startswith(f"# Codebook (schema version {schemas.schema_version()})\n\n## `sources`\n\n"
                           "One row per source the release was built from: a document snapshot, or the pinned "
                           "snapshot version of a live source (an API or registry fetched by `atlas fetch`), with its "
                           "terms of use and what it covers. What the data covers: every report row (most "
                           "policies, and all budgets, KPIs, market figures and patent counts) comes from five "
                           "Chinese-language Taiwanese secondary documents published between January 2024 and March "
                           "2025")
    assert ("Per source: as_of, coverage_start, coverage_end and coverage; the release's as_of dates are in "
            "manifest.json (as_of).\n\nPrimary key: source_id\n\n"
            "| column | type | null | rule | description |\n|---|---|---|---|---|\n"
            "| source_id | VARCHAR | no |  | Stable identifier of the source. |\n"
            "| kind | VARCHAR | no | one of document, live | document: a report snapshot read as "
            "printed; live: responses of an API, registry or data file recorded by atlas fetch. |\n") in text
    assert "| size_bytes | BIGINT | no | range 1.. | Size of the snapshot in bytes. |\n" in text
    assert "| published_precision | VARCHAR | yes | one of day, month, year | Precision of published_on. |\n" in text
    assert "Primary key: source_id, table_id, row_index, column_index\n" in text
    for tbl in schemas.tables().values():
        assert f"\n## `{tbl.name}`\n\n{tbl.description}\n" in text
        for col in tbl.columns:
            assert f"\n| {col.name} | {col.type} | " in text
    assert text.endswith(" |\n") and "\n\n\n" not in text


def test_codebook_rules(monkeypatch):
    columns = (Column("a", "DOUBLE", description="d", min=0.5),
               Column("b", "INTEGER", nullable=False, description="d2", enum=("x", "y"), vocabulary="jurisdiction",
                      max=10, pattern="^a$"),
               Column("c", "VARCHAR"))
    monkeypatch.setattr(schemas, "_contract", lambda: ("9.9.9", {"t": Table("t", "desc", ("a", "b"), columns)}))
    assert schemas.codebook_markdown() == "\n".join([
        "# Codebook (schema version 9.9.9)", "", "## `t`", "", "desc", "", "Primary key: a, b", "",
        "| column | type | null | rule | description |", "|---|---|---|---|---|",
        "| a | DOUBLE | yes | range 0.5.. | d |",
        "| b | INTEGER | no | one of x, y; vocabulary: jurisdiction; range ..10; pattern `^a$` | d2 |",
        "| c | VARCHAR | yes |  |  |", ""])


def test_every_instrument_type_is_defined_and_aligned():
    # schemas/vocabularies/instrument_types.yaml defines exactly the contract's enum, and the codebook shows it
    defined = schemas.value_definitions()["instrument_type"]
    for name in ("policies", "policy_mentions"):
        assert set(defined) == set(schemas.table(name).column("instrument_type").enum)
    for value, d in defined.items():
        assert d["definition"].strip() and d["examples"], value
        assert value == "other" or d["oecd_ai"], value
    assert defined["strategy"]["oecd_ai"][0] == "Governance | Strategies, agendas and plans"
    text = schemas.codebook_markdown()
    assert "\n## Values of `instrument_type`\n" in text
    assert "| strategy | A government's statement of goals" in text
    assert "| Governance \\| Strategies, agendas and plans |" in text     # the pipe of a label escaped


def test_every_market_metric_is_defined():
    # schemas/vocabularies/metrics.yaml defines exactly the contract's enum of market_figures.metric, each with a
    # unit kind, related metrics that are defined too, and an example; the codebook shows it
    defined = schemas.value_definitions()["metric"]
    assert set(defined) == set(schemas.table("market_figures").column("metric").enum)
    for value, d in defined.items():
        assert d["definition"].strip() and d["examples"], value
        assert d["unit"] in ("amount", "percent", "points", "multiple"), value
        assert set(d["related"]) <= set(defined) - {value}, value
    assert defined["genai_revenue_cagr"]["related"] == ["cagr"]
    text = schemas.codebook_markdown()
    assert "\n## Values of `metric`\n" in text
    assert "| growth_multiple | How many times a market grows" in text
