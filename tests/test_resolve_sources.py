"""Resolution across sources (extractors/resolve: rules 0 and 1c, extractors/resolve/precedence.py): the seed
reports' real extraction joined with live records of the same instruments.

The live records here are built in the test with ``records.add_mention``, in the shape the live adapters write
(context ``record``, identifier, url, licence and non_commercial per row). Their values are copied from real
responses in /work/shared/fixtures (provenance in its README): the Federal Register documents 2023-24283
(EO 14110, signed 2023-10-30, published 2023-11-01), 2025-02172 (EO 14179) and 2025-01901 (EO 14148, whose
section 2 (ggg) revokes EO 14110), and AGORA's documents.csv rows 307 (EO 14110) and 1053 (Canada's GenAI
code). The two disagreements (a publication date instead of the signing date; a report that still calls
EO 14110 adopted) are built from those real rows to exercise the precedence rules, and say so.
"""
from __future__ import annotations

import pytest

from extractors import resolve
from extractors.core import records, snapshots
from extractors.core.identifiers import identifier_in
from warehouse import sources

SOURCE_000 = "tier-2025-genai-global-economy"
FR, AGORA = "federal_register", "agora"
ROLES = {FR: "legal_record", AGORA: "registry", SOURCE_000: "report"}
FR_TERMS = "Public domain (US federal government work)"
AGORA_TERMS = "ETO general terms of use"
EO_14110_URL = ("https://www.federalregister.gov/documents/2023/11/01/2023-24283/"
                "safe-secure-and-trustworthy-development-and-use-of-artificial-intelligence")
AGORA_307_URL = ("https://www.whitehouse.gov/briefing-room/presidential-actions/2023/10/30/executive-order-on-the-"
                 "safe-secure-and-trustworthy-development-and-use-of-artificial-intelligence/")
EVIDENCE_000_L685 = "撤銷拜登的14110號行政命令"


@pytest.fixture(scope="module")
def seed():
    """Mentions, relations and roles of the five seed reports, extracted as the pipeline does (with licences)."""
    rows = {"policy_mentions": [], "policy_relations": [], "sources": []}
    for snap in snapshots.verify_all():
        ex = sources.extract(snap)
        for name in rows:
            rows[name] += ex.rows[name]
    return rows


def _record(source_id: str, title: str, locator: str, *, juris: str = "US", issued: str | None = None,
            identifier: str | None = None, url: str | None = None, status: str | None = None) -> dict:
    """A live record's mention, as an adapter writes it (licence and non_commercial of its source)."""
    ex = records.Extraction(source_id)
    m = records.add_mention(ex, jurisdiction=juris, title_printed=title, locator=locator, context="record",
                            issuer="Executive Office of the President" if juris == "US" else None,
                            issued_printed=issued, identifier=identifier, url=url, status=status,
                            instrument_type="executive_order" if juris == "US" else "guideline")
    m.update(licence=FR_TERMS if source_id == FR else AGORA_TERMS, non_commercial=source_id == AGORA)
    return m


def _fr_14110(issued: str = "2023-10-30", status: str | None = None) -> dict:
    return _record(FR, "Safe, Secure, and Trustworthy Development and Use of Artificial Intelligence",
                   "documents/2023-24283.json", issued=issued, identifier="EO 14110", url=EO_14110_URL,
                   status=status)


def _agora_307() -> dict:
    return _record(AGORA, "Executive Order on the Safe, Secure, and Trustworthy Development and Use of Artificial "
                   "Intelligence", "agora/documents.csv L63", issued="2023-10-30", identifier="AGORA:307",
                   url=AGORA_307_URL)


def _resolve(seed: dict, mentions: tuple = (), relations: tuple = (), roles: dict | None = None) -> dict:
    return resolve.resolve(seed["policy_mentions"] + list(mentions), seed["policy_relations"] + list(relations),
                           roles=ROLES if roles is None else roles)


def _policy(out: dict, title: str) -> dict:
    hits = [p for p in out["policies"] if p["title"] == title]
    assert len(hits) == 1, hits
    return hits[0]


def _flags(out: dict, check: str) -> list[dict]:
    return [f for f in out["quality_flags"] if f["check_name"] == check]


# --- identifiers printed by the reports -----------------------------------------------------------------

@pytest.mark.parametrize("title, identifier", [
    ("第 14110 號行政命令", "EO 14110"),           # 000 表 3-1 L810
    ("14110號行政命令", "EO 14110"),               # 000 L685, without 第
    ("《第14179號行政命令》", "EO 14179"),          # title marks as printed are removed first
    ("關於安全、可靠和值得信賴的人工智慧開發和使用的行政命令", None),    # 000 L675: a name, no number
    ("國家人工智慧研發戰略計畫 2023 年更新版", None),
])
def test_identifier_in_title(title, identifier):
    assert identifier_in(title) == identifier


def test_identifier_rule_must_fit_the_contract(tmp_path, monkeypatch):
    """A rule whose value could not be a policy_mentions.identifier stops the run, naming file, rule and line."""
    from extractors.core import identifiers
    from extractors.core import normalise as nz
    from extractors.core.config import read_yaml

    bad = tmp_path / "identifiers.yaml"
    bad.write_text("rules:\n  - {pattern: '(?P<n>\\d+)', identifier: 'Executive Order {n}', printed: test}\n",
                   encoding="utf-8")
    monkeypatch.setattr(nz, "rules_doc", lambda name: read_yaml(bad, nz.RulesError))
    identifiers._rules.cache_clear()
    try:
        with pytest.raises(nz.RulesError, match=r"identifiers\.yaml.*rule 1.*does not fit policy_mentions"):
            identifier_in("14110")
    finally:
        identifiers._rules.cache_clear()


def test_report_mentions_carry_executive_order_numbers(extraction):
    got = sorted((m["source_locator"], m["title"], m["identifier"])
                 for m in extraction.rows["policy_mentions"] if m["identifier"])
    assert got == [
        ("L2592-2592", "第 14110 號行政命令", "EO 14110"), ("L659-659", "第 14110 號行政命令", "EO 14110"),
        ("L675-675", "第 14110 號行政命令", "EO 14110"), ("L685-685", "14110號行政命令", "EO 14110"),
        ("L685-685", "第14179號行政命令", "EO 14179"), ("L699-699", "第 14110 號行政命令", "EO 14110"),
        ("L741-753", "第 14110 號行政命令", "EO 14110"), ("L775-777", "第 14110 號行政命令", "EO 14110"),
        ("表 3-1 L810-810", "第 14110 號行政命令", "EO 14110"),
    ]


def test_seed_policies_carry_their_identifiers(seed):
    out = _resolve(seed)
    assert len(out["policies"]) == 144
    assert {p["title"]: p["identifiers"] for p in out["policies"] if p["identifiers"]} == {
        "第 14110 號行政命令": "EO 14110", "第14179號行政命令": "EO 14179"}
    assert not _flags(out, "sources_disagree") and not _flags(out, "identifiers_conflict")


# --- joins --------------------------------------------------------------------------------------------

def test_federal_register_record_joins_the_report_policy_by_identifier(seed):
    before = _resolve(seed)
    after = _resolve(seed, [_fr_14110()])
    eo_before, eo = _policy(before, "第 14110 號行政命令"), _policy(after, "第 14110 號行政命令")
    # the seed key leads: the policy id is the one the reports alone give, and no other policy changes
    assert eo["policy_id"] == eo_before["policy_id"] == resolve.policy_key_id("US", "第14110號行政命令")
    assert {p["policy_id"] for p in after["policies"]} == {p["policy_id"] for p in before["policies"]}
    assert (eo["mention_count"], eo["source_count"]) == (eo_before["mention_count"] + 1, 3)
    assert (eo["identifiers"], eo["url"], eo["status"]) == ("EO 14110", EO_14110_URL, "revoked")
    # the legal record's date is canonical; it agrees with the reports' 2023 年 10 月 30 日 (L675)
    assert (eo_before["issued_printed"], eo["issued_printed"]) == ("2023 年 10 月 30 日", "2023-10-30")
    # 000 L675 prints an English title, so the record's does not replace it
    assert eo["title_en"] == ("Executive Order on the Safe, Secure, and Trustworthy Development and Use of "
                              "Artificial Intelligence")
    assert (eo["source_id"], eo["source_locator"]) == (SOURCE_000, "表 3-1 L810-810")
    assert not _flags(after, "sources_disagree")
    assert eo["non_commercial"] is False
    assert eo["licence"] == (
        "Not stated in the document; public research report. Quote with attribution to the publisher. | "
        + FR_TERMS)                                # the url (and the date) are the record's


def test_live_english_title_fills_title_en_the_reports_do_not_print(seed):
    fr = _record(FR, "Removing Barriers to American Leadership in Artificial Intelligence",
                 "documents/2025-02172.json", issued="2025-01-23", identifier="EO 14179")
    before, after = _resolve(seed), _resolve(seed, [fr])
    eo_before, eo = _policy(before, "第14179號行政命令"), _policy(after, "第14179號行政命令")
    assert eo_before["title_en"] is None and eo_before["issued_printed"] is None      # 000 L685 prints 1月23日
    assert eo["policy_id"] == eo_before["policy_id"]
    assert (eo["title_en"], eo["issued_printed"]) == (
        "Removing Barriers to American Leadership in Artificial Intelligence", "2025-01-23")


def test_registry_row_joins_by_the_english_title_a_report_prints(seed):
    """AGORA names EO 14110 without its number; its official name is the English title 000 L675 prints."""
    out = _resolve(seed, [_agora_307()])
    eo = _policy(out, "第 14110 號行政命令")
    assert eo["identifiers"] == "AGORA:307; EO 14110"
    assert len(out["policies"]) == 144
    # open values first: the report's date (rank: report) is kept before the registry's non-commercial one
    assert eo["issued_printed"] == "2023 年 10 月 30 日"


# --- precedence -----------------------------------------------------------------------------------------

def test_legal_record_date_is_canonical_and_a_disagreement_is_flagged(seed):
    """Built from the real record: the publication date (2023-11-01) where an adapter could print it instead
    of the signing date the reports print."""
    out = _resolve(seed, [_fr_14110(issued="2023-11-01")])
    eo = _policy(out, "第 14110 號行政命令")
    assert (eo["issued_on"].isoformat(), eo["issued_printed"], eo["issued_precision"]) == (
        "2023-11-01", "2023-11-01", "day")
    flags = _flags(out, "sources_disagree")
    assert len(flags) == 1
    f = flags[0]
    assert (f["table_name"], f["record_key"], f["source_id"], f["source_locator"], f["severity"]) == (
        "policies", eo["policy_id"], FR, "documents/2023-24283.json", "warning")
    assert f["detail"] == (
        "第 14110 號行政命令: sources print different dates: '2023-11-01' (legal_record federal_register "
        "documents/2023-24283.json); '2023 年 10 月 30 日' (report tier-2025-genai-global-economy L675-675); "
        "'2023 年 10 月' (report tier-2025-genai-global-economy 表 3-1 L810-810); "
        "kept '2023-11-01' (open sources first, then a legal record, a registry, a report)")
    # the reports agree among themselves (2023 年 10 月, 2023 年 10 月 30 日): no dates_disagree flag
    assert [f["check_name"] for f in out["quality_flags"] if f["record_key"] == eo["policy_id"]] == [
        "sources_disagree"]


def test_without_roles_every_source_is_a_report(seed):
    """The resolver's old signature (no roles): nothing outranks a report, so the within-role rule decides (most
    precise, table first, then source id: federal_register sorts first) and the disagreement is dates_disagree."""
    out = resolve.resolve(seed["policy_mentions"] + [_fr_14110(issued="2023-11-01")], seed["policy_relations"])
    eo = _policy(out, "第 14110 號行政命令")
    assert eo["issued_printed"] == "2023-11-01"
    assert [f["check_name"] for f in out["quality_flags"] if f["record_key"] == eo["policy_id"]] == [
        "dates_disagree"]


def test_legal_record_revocation_beats_a_report_status(seed):
    """A report written before January 2025 would call EO 14110 adopted (built here from 000 L675 with its
    status set to adopted, and without 000's own revocation sentence L685); the Federal Register's EO 14148
    revokes it: the legal record's relation decides, the disagreement is flagged."""
    l675 = next(m for m in seed["policy_mentions"] if m["source_id"] == SOURCE_000
                and m["source_locator"] == "L675-675" and m["title"] == "第 14110 號行政命令")
    mentions = [dict(m, status="adopted") if m is l675 else m for m in seed["policy_mentions"]]
    rels = [r for r in seed["policy_relations"] if r["source_locator"] != "L685-685"]
    eo_14148 = _record(FR, "Initial Rescissions of Harmful Executive Orders and Actions",
                       "documents/2025-01901.json", issued="2025-01-20", identifier="EO 14148")
    fr = _fr_14110()
    revokes = _relation(eo_14148, "revokes", fr, "(ggg) Executive Order 14110 of October 30, 2023 (Safe, Secure, "
                        "and Trustworthy Development and Use of Artificial Intelligence).")
    out = resolve.resolve(mentions + [fr, eo_14148], rels + [revokes], roles=ROLES)
    eo = _policy(out, "第 14110 號行政命令")
    assert eo["status"] == "revoked"
    flags = [f for f in _flags(out, "sources_disagree") if f["record_key"] == eo["policy_id"]]
    assert [f["detail"] for f in flags] == [
        "第 14110 號行政命令: sources state different statuses: legal_record federal_register "
        "documents/2025-01901.json says 'revoked'; report tier-2025-genai-global-economy L675-675 prints "
        "'adopted'; kept 'revoked' (a legal record, then a registry, then a report)"]


def _relation(subject: dict, relation: str, related: dict, evidence: str) -> dict:
    """A relation row as an adapter writes it (provisional policy ids of its two mentions)."""
    return {"relation_id": records.relation_id(subject["policy_id"], relation, related["policy_id"]),
            "policy_id": subject["policy_id"], "relation": relation, "related_policy_id": related["policy_id"],
            "evidence": evidence, "licence": subject["licence"], "non_commercial": subject["non_commercial"],
            "source_id": subject["source_id"], "source_locator": subject["source_locator"]}


def test_relations_that_disagree_are_both_kept_and_flagged(seed):
    """000 L685: EO 14179 revokes EO 14110; the Federal Register: EO 14148 (2025-01901, section 2 (ggg))."""
    eo_14148 = _record(FR, "Initial Rescissions of Harmful Executive Orders and Actions",
                       "documents/2025-01901.json", issued="2025-01-20", identifier="EO 14148")
    fr = _fr_14110()
    evidence = ("(ggg) Executive Order 14110 of October 30, 2023 (Safe, Secure, and Trustworthy Development and "
                "Use of Artificial Intelligence).")
    out = _resolve(seed, [fr, eo_14148], [_relation(eo_14148, "revokes", fr, evidence)])
    eo = _policy(out, "第 14110 號行政命令")
    titles = {p["policy_id"]: p["title"] for p in out["policies"]}
    revocations = sorted((titles[r["policy_id"]], r["source_id"]) for r in out["policy_relations"]
                         if r["relation"] == "revokes" and r["related_policy_id"] == eo["policy_id"])
    assert revocations == [("Initial Rescissions of Harmful Executive Orders and Actions", FR),
                           ("第14179號行政命令", SOURCE_000)]
    report_rel = next(r for r in out["policy_relations"] if r["source_id"] == SOURCE_000
                      and r["related_policy_id"] == eo["policy_id"] and r["relation"] == "revokes")
    flags = _flags(out, "sources_disagree")
    assert len(flags) == 1
    f = flags[0]
    assert (f["table_name"], f["record_key"], f["source_id"], f["source_locator"]) == (
        "policy_relations", report_rel["relation_id"], FR, "documents/2025-01901.json")
    assert f["detail"].startswith(
        "what revokes 第 14110 號行政命令: the legal_record federal_register documents/2025-01901.json states "
        f"Initial Rescissions of Harmful Executive Orders and Actions ({evidence!r}); the report "
        "tier-2025-genai-global-economy L685-685 states 第14179號行政命令 (")
    assert EVIDENCE_000_L685 in f["detail"]
    assert f["detail"].endswith("both relations kept, the legal_record's is canonical")
    assert eo["status"] == "revoked"


# --- terms of use -----------------------------------------------------------------------------------------

def test_a_non_commercial_value_makes_the_policy_non_commercial(seed):
    """AGORA (non-commercial) supplies the only url of EO 14110 when the Federal Register is absent."""
    eo = _policy(_resolve(seed, [_agora_307()]), "第 14110 號行政命令")
    assert (eo["url"], eo["non_commercial"]) == (AGORA_307_URL, True)
    assert eo["licence"] == ("Not stated in the document; public research report. Quote with attribution to the "
                             "publisher. | " + AGORA_TERMS)


def test_open_values_first_keep_the_policy_open(seed):
    """With the Federal Register's record too, every value has an open source: the policy stays open."""
    out = _resolve(seed, [_agora_307(), _fr_14110()])
    eo = _policy(out, "第 14110 號行政命令")
    assert (eo["url"], eo["non_commercial"], eo["identifiers"]) == (EO_14110_URL, False, "AGORA:307; EO 14110")
    assert eo["mention_count"] == _policy(_resolve(seed), "第 14110 號行政命令")["mention_count"] + 2
    assert eo["source_count"] == 4


def test_a_registry_only_policy_is_non_commercial_with_its_own_id(seed):
    name = "Canadian Guardrails for Generative AI – Code of Practice"
    row = _record(AGORA, name, "agora/documents.csv L52", juris="CA", identifier="AGORA:1053",
                  url="https://ised-isde.canada.ca/site/ised/en/consultation-development-canadian-code-practice-"
                      "generative-artificial-intelligence-systems/canadian-guardrails-generative-ai-code-practice")
    out = _resolve(seed, [row])
    pol = _policy(out, name)
    assert pol["policy_id"] == resolve.policy_key_id("CA", resolve.title_key(name))
    assert (pol["non_commercial"], pol["licence"], pol["identifiers"], pol["title_en"]) == (
        True, AGORA_TERMS, "AGORA:1053", name)
    assert len(out["policies"]) == 145
