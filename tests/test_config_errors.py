"""Configuration errors fail fast and name their file, line, entry and cause (issue 'Releases nobody can alter,
errors that fail fast and name their file', item 5). Each test writes a broken copy in a temp folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors import resolve
from extractors.core import normalise as nz
from extractors.core import snapshots
from extractors.core.config import ConfigError
from extractors.core.records import SpecError
from extractors.core.snapshots import SnapshotError
from extractors.report_text import extract
from extractors.report_text.prose import rules as prose_rules

MODA = "moda-2025-ai-industry-programme"
TIER = "tier-2025-genai-global-economy"
ENTRY = "  - {table: policies, action: same_as, match: {jurisdiction: US, title: FASST}, same_as: ABC,\n" \
        "     reason: r, source_line: \"000 L1\"}\n"


def _message(exc_type, call, *args) -> str:
    with pytest.raises(exc_type) as err:
        call(*args)
    assert isinstance(err.value, ConfigError)
    return str(err.value)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- curation/overrides.yaml ----------------------------------------------------------------------------

def test_overrides_yaml_error_names_the_line(tmp_path):
    path = _write(tmp_path, "overrides.yaml", "overrides:\n" + ENTRY + "  - {table: policies, action: [\n")
    assert _message(resolve.OverrideError, resolve.load_overrides, path) == (
        f"{path} line 5: not valid YAML: while parsing a flow node expected the node content, but found '<stream end>'")


# Broken overrides files, each with the exact message its first bad entry gives ({path} is the file's path).
OVERRIDE_ERRORS = {
    "unknown key": ("# header\noverrides:\n" + ENTRY + ENTRY.replace("{table", "{tabel"),
                    "{path} line 5 (entry 2, same_as 'ABC'): unknown key 'tabel'"),
    "table not the one its action changes": (
        "overrides:\n" + ENTRY.replace("action: same_as", "action: drop"),
        "{path} line 2 (entry 1, drop 'FASST'): action 'drop' changes table 'policy_mentions', not 'policies'"),
    "set of an unknown column": (
        "overrides:\n  - table: policies\n    action: set\n    match: {jurisdiction: US, title: FASST}\n"
        "    values:\n      status: adopted\n      colour: red\n    reason: r\n    source_line: 000 L1\n",
        "{path} line 7 (entry 1, set 'FASST'): set names 'colour', not a column of table 'policies'"),
    "entry without reason": (
        "overrides:\n" + ENTRY.replace("reason: r, ", ""),
        "{path} line 2 (entry 1, same_as 'ABC'): missing 'reason' (every override needs a reason and source line)"),
}


@pytest.mark.parametrize("case", OVERRIDE_ERRORS, ids=list(OVERRIDE_ERRORS))
def test_overrides_entry_is_refused(tmp_path, case):
    text, expected = OVERRIDE_ERRORS[case]
    path = _write(tmp_path, "overrides.yaml", text)
    assert _message(resolve.OverrideError, resolve.load_overrides, path) == expected.format(path=path)


def test_overrides_file_from_the_environment(tmp_path, monkeypatch):
    text, expected = OVERRIDE_ERRORS["unknown key"]
    path = _write(tmp_path, "overrides.yaml", text)
    monkeypatch.setenv("ATLAS_OVERRIDES_FILE", str(path))
    assert _message(resolve.OverrideError, resolve.load_overrides) == expected.format(path=path)


def test_stale_override_names_its_file_and_line(tmp_path):
    path = _write(tmp_path, "overrides.yaml", "overrides:\n" + ENTRY.replace("FASST", "不存在的法"))
    entries = resolve.load_overrides(path)
    assert _message(resolve.OverrideError, resolve.resolve, [], [], entries) == (
        f"{path} line 2 (entry 1, same_as 'ABC'): no mention of {{'jurisdiction': 'US', 'title': '不存在的法'}} "
        f"to merge")


# --- specs (extractors/report_text/specs) ---------------------------------------------------------------

@pytest.fixture()
def specs_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "specs"
    shutil.copytree(extract.SPECS_DIR, folder)
    monkeypatch.setenv("ATLAS_SPECS_DIR", str(folder))
    return folder


def test_spec_yaml_error(specs_copy):
    path = _write(specs_copy, f"{MODA}.yaml", f"source_id: {MODA}\ntables:\n  - table_id: \"1\n")
    assert _message(SpecError, extract.load_spec, MODA) == (
        f"{path} line 4: not valid YAML: while scanning a quoted scalar (from line 3) found unexpected end of stream")


def test_spec_unknown_target(specs_copy):
    path = _write(specs_copy, f"{MODA}.yaml", f"source_id: {MODA}\ntables:\n  - table_id: \"1\"\n"
                  "    target: kpi\n")
    assert _message(SpecError, extract.load_spec, MODA) == (
        f"{path} line 4 (table '1'): unknown target 'kpi' (one of ['budgets', 'indicators', 'kpis', "
        f"'market_figures', 'patent_counts', 'policies', 'report_tables'])")


def test_spec_column_number_that_is_not_a_number(specs_copy):
    text = (specs_copy / f"{MODA}.yaml").read_text(encoding="utf-8")
    path = _write(specs_copy, f"{MODA}.yaml", text.replace("item_column: 2", "item_column: 2l"))
    assert _message(SpecError, extract.load_spec, MODA) == (
        f"{path} line 34 (table '4'): item_column must be a column number, got '2l'")


def test_spec_without_a_key_its_mapper_needs(specs_copy):
    path = _write(specs_copy, f"{MODA}.yaml", f"source_id: {MODA}\ntables:\n  - table_id: \"1\"\n"
                  "    target: kpis\n    layout: targets\n    row_mode: wrapped\n    required: [1]\n")
    assert _message(SpecError, extract.extract_source, snapshots.load(MODA)) == (
        f"{path} line 3 (table '1'): missing key 'columns' (target 'kpis', layout 'targets')")


def test_prose_spec_bad_pattern(specs_copy):
    path = _write(specs_copy, f"{MODA}.prose.yaml", "mode: prose\nskip_sections:\n  - '^目錄$'\n  - '^(表目錄'\n")
    assert _message(SpecError, extract.load_prose_spec, MODA) == (
        f"{path} line 4 (skip_sections item 2): '^(表目錄' is not a regular expression "
        f"(missing ), unterminated subpattern at position 1)")


def test_prose_spec_unknown_key(specs_copy):
    path = _write(specs_copy, f"{MODA}.prose.yaml", "mode: prose\nskip_section:\n  - '^目錄$'\n")
    assert _message(SpecError, extract.load_prose_spec, MODA) == f"{path} line 2: unknown key 'skip_section'"


# --- rules (extractors/core/rules, extractors/report_text/rules) -----------------------------------------

def test_core_rules_missing_key(tmp_path):
    _write(tmp_path, "units.yaml", "magnitudes:\n  萬: 1.0e4\ncurrencies:\n  美元: USD\n")
    assert _message(nz.NormaliseError, nz.load_rules, "units", tmp_path) == (
        f"{tmp_path}/units.yaml: missing key 'counters'")


def test_core_rules_yaml_error(tmp_path):
    _write(tmp_path, "jurisdictions.yaml", "aliases:\n  美國: US\n world: [全球\n")
    assert _message(nz.NormaliseError, nz.load_rules, "jurisdictions", tmp_path) == (
        f"{tmp_path}/jurisdictions.yaml line 3: not valid YAML: while parsing a block mapping (from line 1) "
        f"expected <block end>, but found '<block mapping start>'")


def test_prose_rules_bad_pattern(tmp_path, monkeypatch):
    text = (prose_rules.RULES_DIR / "prose.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "prose.yaml", text.replace("date_not_issue_after: '^", "date_not_issue_after: '(^"))
    monkeypatch.setattr(prose_rules, "RULES_DIR", tmp_path)
    prose_rules.rules.cache_clear()
    try:
        message = _message(nz.NormaliseError, prose_rules.rules)
    finally:
        prose_rules.rules.cache_clear()
    assert message == (f"{tmp_path}/prose.yaml line 152 (date_not_issue_after): cannot be compiled "
                       f"(error: missing ), unterminated subpattern at position 0)")


# --- snapshot metadata (sources/) ------------------------------------------------------------------------

def test_snapshot_file_outside_sources_is_refused(sources_copy):
    origin = sources_copy / TIER / "2026-11-21" / "origin.yaml"
    origin.write_text(origin.read_text(encoding="utf-8").replace("snapshot_file: document.txt",
                                                                 "snapshot_file: ../../../../etc/passwd"),
                      encoding="utf-8")
    assert _message(SnapshotError, snapshots.list_sources) == (
        f"{origin} line 4 (snapshot_file): '../../../../etc/passwd' is not a file name in its version folder "
        f"(a snapshot may not point outside sources/{TIER}/2026-11-21/)")


def test_pin_outside_sources_is_refused(sources_copy):
    pins = sources_copy / "pins.yaml"
    pins.write_text(pins.read_text(encoding="utf-8").replace(f'{TIER}: "2026-11-21"', f'{TIER}: "../../x"'),
                    encoding="utf-8")
    line = pins.read_text(encoding="utf-8").splitlines().index(f'{TIER}: "../../x"') + 1
    assert _message(SnapshotError, snapshots.list_sources) == (
        f"{pins} line {line} (pin {TIER}): {TIER}/../../x is not a source folder and version folder name "
        f"(a pin may not point outside {sources_copy})")


def test_origin_yaml_error(sources_copy):
    origin = sources_copy / TIER / "2026-11-21" / "origin.yaml"
    origin.write_text(origin.read_text(encoding="utf-8").replace("title: ", "title: [", 1), encoding="utf-8")
    assert _message(SnapshotError, snapshots.list_sources) == (
        f"{origin} line 6: not valid YAML: while parsing a flow sequence (from line 5) expected ',' or ']', "
        f"but got '<scalar>'")


def test_pins_yaml_error(sources_copy):
    pins = sources_copy / "pins.yaml"
    pins.write_text("a: b\n c: d\n", encoding="utf-8")
    assert _message(SnapshotError, snapshots.list_sources) == (
        f"{pins} line 2: not valid YAML: mapping values are not allowed here")


def test_prose_spec_list_columns(specs_copy):
    path = _write(specs_copy, f"{MODA}.prose.yaml", "lists:\n  - heading: '參考書目'\n    columns: {title: 0}\n")
    assert _message(SpecError, extract.load_prose_spec, MODA) == (
        f"{path} line 3 (lists item 1): columns must give the column numbers of title and issuer, got {{'title': 0}}")


def test_config_error_pickles():
    import pickle

    err = pickle.loads(pickle.dumps(resolve.OverrideError("/x/overrides.yaml", "entry 1", "unknown key 'tabel'", 3)))
    assert (type(err), str(err)) == (resolve.OverrideError, "/x/overrides.yaml line 3 (entry 1): unknown key 'tabel'")
