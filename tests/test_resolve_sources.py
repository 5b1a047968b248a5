"""Resolution across sources (extractors/resolve: rules 0, 1c and 2, extractors/resolve/precedence.py): the five
reports' real extraction joined with the real Federal Register snapshot (sources/federal_register, a legal
record: EO 14110, 14148 and 14179) and the real AGORA snapshot (sources/agora, a registry, non-commercial).

Two disagreements are built from those real rows to exercise the precedence rules, and say so: the Federal
Register's record of EO 14110 with its publication date (2023-11-01, the date in its URL) instead of the
signing date, and 000 L675's naming of EO 14110 with the status a report written before January 2025 would
give it (adopted).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from extractors import resolve
from extractors.core import snapshots
from extractors.core.identifiers import identifier_in
from warehouse import sources

SOURCE_000 = "tier-2025-genai-global-economy"
FR, AGORA = "federal_register", "agora"
ROLES = {FR: "legal_record", AGORA: "registry"}          # the reports: role report (the default)
FR_TERMS = "US federal government works are public domain (17 U.S.C. 105)"
AGORA_TERMS = ("ETO AGORA terms of use: attribution required (cite 'Emerging Technology Observatory AGORA "
               "dataset'); full texts non-commercial")
TERMS_000 = "Not stated in the document; public research report. Quote with attribution to the publisher."
FR_14110_URL = "https://www.federalregister.gov/documents/full_text/xml/2023/11/01/2023-24283.xml"
FR_14179_URL = "https://www.federalregister.gov/documents/full_text/xml/2025/01/31/2025-02172.xml"


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict]:
    """Rows per pinned source, extracted as the pipeline does (sources row, licence and non_commercial)."""
    return {snap.source_id: sources.extract(snap).rows for snap in snapshots.verify_all()}


def _rows(extracted: dict, source_ids) -> dict:
    return {name: [x for sid in source_ids for x in extracted[sid][name]]
            for name in ("policy_mentions", "policy_relations")}


@pytest.fixture(scope="module")
def seed(extracted):
    """Mentions and relations of the five reports (no live source)."""
    reports = [sid for sid, rows in extracted.items() if rows["sources"][0]["kind"] == "document"]
    assert len(reports) == 5
    return _rows(extracted, reports)


@pytest.fixture(scope="module")
def fr(extracted):
    """The Federal Register snapshot's rows: three orders and EO 14148's revocation of EO 14110."""
    assert extracted[FR]["sources"][0]["role"] == "legal_record"
    return _rows(extracted, [FR])


@pytest.fixture(scope="module")
def agora(extracted):
    """The AGORA snapshot's mentions (13 documents)."""
    src = extracted[AGORA]["sources"][0]
    assert (src["role"], src["non_commercial"]) == ("registry", True)
    return extracted[AGORA]["policy_mentions"]


def _record(fr: dict, identifier: str) -> dict:
    return next(m for m in fr["policy_mentions"] if m["identifier"] == identifier)


def _resolve(seed: dict, mentions: list | tuple = (), relations: list | tuple = (), roles: dict | None = None) -> dict:
    return resolve.resolve(seed["policy_mentions"] + list(mentions), seed["policy_relations"] + list(relations),
                           roles=ROLES if roles is None else roles)


def _policy(out: dict, title: str) -> dict:
    hits = [p for p in out["policies"] if p["title"] == title]
    assert len(hits) == 1, hits
    return hits[0]


def _flags(out: dict, check: str, record_key: str | None = None) -> list[dict]:
    return [f for f in out["quality_flags"] if f["check_name"] == check
            and record_key in (None, f["record_key"])]


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


def test_report_policies_carry_their_identifiers(seed):
    """The reports alone: 155 policies (144 before the prose rules of issue 15 item 3: +12 programmes, funds,
    consortia, processes and views named in 000's EU, Japan and China prose, -1 會議文件, -2 joined by rules 1b
    and 1d: DSS-L, 富岳 NEXT; second round +2: 韓國科技部's 2024 年政策實施計畫 and the Beijing robot fund, the
    other new namings joined by rules 1f, 1g and the TADIE alias; third round +1: the computer 臺灣杉 (000 L2800),
    「東數西算」 joined to 「東數西算」工程 by rule 1d; +1 the body 智慧國家推動小組, 002 L411); two carry an
    identifier."""
    out = _resolve(seed)
    assert len(out["policies"]) == 157
    assert {p["title"]: p["identifiers"] for p in out["policies"] if p["identifiers"]} == {
        "第 14110 號行政命令": "EO 14110", "第14179號行政命令": "EO 14179"}
    assert all(p["non_commercial"] is False for p in out["policies"])
    # the reports' own links: the footnote or reference-list line printing them (extractors/report_text/prose/notes.py)
    linked = [p for p in out["policies"] if p["url"]]
    assert len(linked) == 17        # + 國家深度推理結構: NDIF printed again at 000 L737, its note ndif.us (L3112)
    assert all(re.fullmatch(r"(?:tier-2025-genai-global-economy|aigc-us-gb-kr-tw-2024) L\d+", p["url_source"])
               for p in linked)
    assert not _flags(out, "sources_disagree") and not _flags(out, "identifiers_conflict")
    # reviewed joins of AGORA records are skipped without AGORA, and not counted
    assert out["overrides_applied"]["policies"] == len(
        [e for e in resolve.load_overrides() if e["table"] == "policies" and "source_id" not in e["match"]])


# --- joins: the real AGORA snapshot ---------------------------------------------------------------------

def test_agora_records_join_the_report_policies(seed, agora):
    """13 AGORA documents: EO 14110 by its identifier (AGORA's casual name prints EO 14110), the EU AI Act by
    the short title ending its official name (rule 1c; 001 L325 prints AI法案(Artificial Intelligence Act)),
    EO 14179, China's GenAI measures (draft and final) and deep-synthesis provisions by reviewed aliases; the
    other 7 are policies only AGORA names."""
    before, after = _resolve(seed), _resolve(seed, agora)
    assert len(after["policies"]) == len(before["policies"]) + 7
    ids_before = {p["policy_id"]: p for p in before["policies"]}
    joined = {}
    for m in agora:
        pid = next(x["policy_id"] for x in after["policy_mentions"] if x["mention_id"] == m["mention_id"])
        if pid in ids_before:
            joined[m["source_locator"].split()[-1]] = ids_before[pid]["title"]
    assert joined == {"L63-79": "第 14110 號行政命令", "L131-139": "AI 法案", "L30-40": "第14179號行政命令",
                      "L140-156": "生成式人工智慧服務管理暫行辦法", "L124-130": "生成式人工智慧服務管理暫行辦法",
                      "L91-101": "網路資訊服務深度合成管理規定"}
    # every report policy keeps its id: the report key leads a joined group
    assert set(ids_before) <= {p["policy_id"] for p in after["policies"]}
    eo = _policy(after, "第 14110 號行政命令")
    assert (eo["identifiers"], eo["status"], eo["source_id"], eo["source_locator"]) == (
        "EO 14110", "revoked", SOURCE_000, "表 3-1 L810-810")
    assert _policy(after, "AI 法案")["identifiers"] == "CELEX:32024R1689"
    assert _policy(after, "生成式人工智慧服務管理暫行辦法")["identifiers"] == "AGORA:1137; AGORA:37"
    assert after["overrides_applied"]["policies"] == len(
        [e for e in resolve.load_overrides() if e["table"] == "policies"])


def test_federal_register_records_join_the_report_policies_by_identifier(seed, fr):
    before, after = _resolve(seed), _resolve(seed, fr["policy_mentions"], fr["policy_relations"])
    eo_before, eo = _policy(before, "第 14110 號行政命令"), _policy(after, "第 14110 號行政命令")
    # the report key leads: the policy id is the one the reports alone give, and no report policy changes id;
    # EO 14148 (no report names it) is the one new policy
    assert eo["policy_id"] == eo_before["policy_id"] == resolve.policy_key_id("US", "第14110號行政命令")
    assert {p["policy_id"] for p in before["policies"]} < {p["policy_id"] for p in after["policies"]}
    assert len(after["policies"]) == len(before["policies"]) + 1
    assert (eo["mention_count"], eo["source_count"]) == (eo_before["mention_count"] + 1, 3)
    assert (eo["identifiers"], eo["url"], eo["status"]) == ("EO 14110", FR_14110_URL, "revoked")
    # the legal record's date is canonical; it agrees with the reports' 2023 年 10 月 30 日 (L675)
    assert (eo_before["issued_printed"], eo["issued_printed"]) == ("2023 年 10 月 30 日", "2023-10-30")
    # 000 L675 prints an English title, so the record's does not replace it; the title is the report's
    assert eo["title_en"] == ("Executive Order on the Safe, Secure, and Trustworthy Development and Use of "
                              "Artificial Intelligence")
    assert (eo["title"], eo["source_id"], eo["source_locator"]) == (
        "第 14110 號行政命令", SOURCE_000, "表 3-1 L810-810")
    assert not _flags(after, "sources_disagree", eo["policy_id"])
    assert (eo["non_commercial"], eo["licence"]) == (False, TERMS_000 + " | " + FR_TERMS)   # url, date: FR's


def test_live_english_title_fills_title_en_the_reports_do_not_print(seed, fr):
    before, after = _resolve(seed), _resolve(seed, [_record(fr, "EO 14179")])
    eo_before, eo = _policy(before, "第14179號行政命令"), _policy(after, "第14179號行政命令")
    assert eo_before["title_en"] is None and eo_before["issued_printed"] is None      # 000 L685 prints 1月23日
    assert eo["policy_id"] == eo_before["policy_id"]
    assert (eo["title_en"], eo["issued_printed"], eo["url"]) == (
        "Removing Barriers to American Leadership in Artificial Intelligence", "2025-01-23", FR_14179_URL)


# --- precedence -----------------------------------------------------------------------------------------

def _published(fr: dict) -> list[dict]:
    """The Federal Register's mentions, its record of EO 14110 dated by its publication (2023-11-01, the date in
    its URL) instead of its signing: a date disagreement built from the real record."""
    m = _record(fr, "EO 14110")
    return [dict(m, issued_printed="2023-11-01", issued_on=dt.date(2023, 11, 1)) if x is m else x
            for x in fr["policy_mentions"]]


def test_legal_record_date_is_canonical_and_a_disagreement_is_flagged(seed, fr):
    out = _resolve(seed, _published(fr), fr["policy_relations"])
    eo = _policy(out, "第 14110 號行政命令")
    assert (eo["issued_on"], eo["issued_printed"], eo["issued_precision"]) == (
        dt.date(2023, 11, 1), "2023-11-01", "day")
    flags = _flags(out, "sources_disagree", eo["policy_id"])
    assert len(flags) == 1
    f = flags[0]
    assert (f["table_name"], f["record_key"], f["source_id"], f["source_locator"], f["severity"]) == (
        "policies", eo["policy_id"], FR, "full_text/2023-24283.xml L8", "warning")
    assert f["detail"] == (
        "第 14110 號行政命令: sources print different dates: '2023-11-01' (legal_record federal_register "
        "full_text/2023-24283.xml L8); '2023 年 10 月 30 日' (report tier-2025-genai-global-economy L675-675); "
        "'2023 年 10 月' (report tier-2025-genai-global-economy 表 3-1 L810-810); kept '2023-11-01' (open "
        "sources only where there are any; a legal record, then a registry, then a report)")
    # the reports agree among themselves (2023 年 10 月, 2023 年 10 月 30 日): no dates_disagree flag
    assert not _flags(out, "dates_disagree", eo["policy_id"])


def test_registry_date_that_disagrees_is_flagged_and_the_open_one_kept(seed, agora):
    """Real data: AGORA dates China's GenAI measures 2023-07-10 (final) and 2023-04-11 (draft); 表 3-7 prints
    2023 年 7月13日. AGORA outranks a report but is non-commercial, so the open report's date is kept."""
    out = _resolve(seed, agora)
    pol = _policy(out, "生成式人工智慧服務管理暫行辦法")
    assert (pol["issued_printed"], pol["status"], pol["non_commercial"], pol["url"]) == (
        "2023 年 7月13日", "adopted", False, None)
    assert [f["detail"] for f in _flags(out, "sources_disagree", pol["policy_id"])] == [
        "生成式人工智慧服務管理暫行辦法: sources print different dates: '2023 年 7月13日' (report "
        "tier-2025-genai-global-economy 表 3-7 L1184-1186); '2023-04-11' (registry agora agora/documents.csv "
        "L124-130); '2023-07-10' (registry agora agora/documents.csv L140-156); kept '2023 年 7月13日' (open "
        "sources only where there are any; a legal record, then a registry, then a report)"]


def test_without_roles_every_source_is_a_report(seed, fr):
    """The resolver's old signature (no roles): nothing outranks a report, so the within-role rule decides (most
    precise, table first, then source id: federal_register sorts first) and the disagreement is dates_disagree."""
    out = resolve.resolve(seed["policy_mentions"] + _published(fr), seed["policy_relations"] + fr["policy_relations"])
    eo = _policy(out, "第 14110 號行政命令")
    assert eo["issued_printed"] == "2023-11-01"
    assert [f["check_name"] for f in out["quality_flags"] if f["record_key"] == eo["policy_id"]] == [
        "dates_disagree"]


def test_legal_record_revocation_beats_a_report_status(seed, fr):
    """000 L675's naming of EO 14110 with status adopted (as a report written before January 2025 would print
    it), without 000's own revocation sentence (L685): the Federal Register's EO 14148 revokes the order, the
    legal record's relation decides, the disagreement is flagged."""
    l675 = next(m for m in seed["policy_mentions"] if m["source_id"] == SOURCE_000
                and m["source_locator"] == "L675-675" and m["title"] == "第 14110 號行政命令")
    mentions = [dict(m, status="adopted") if m is l675 else m for m in seed["policy_mentions"]]
    rels = [r for r in seed["policy_relations"] if r["source_locator"] != "L685-685"]
    out = resolve.resolve(mentions + fr["policy_mentions"], rels + fr["policy_relations"], roles=ROLES)
    eo = _policy(out, "第 14110 號行政命令")
    assert eo["status"] == "revoked"
    assert [f["detail"] for f in _flags(out, "sources_disagree", eo["policy_id"])] == [
        "第 14110 號行政命令: sources state different statuses: legal_record federal_register "
        "full_text/2025-01901.xml L87 states a revokes relation 'revoked'; report tier-2025-genai-global-economy "
        "L675-675 prints 'adopted'; kept 'revoked' (a legal record, then a registry, then a report)"]


def test_relations_that_disagree_are_both_kept_and_flagged(seed, fr):
    """000 L685: EO 14179 revokes EO 14110; the Federal Register: EO 14148 (2025-01901, section 2 (ggg))."""
    out = _resolve(seed, fr["policy_mentions"], fr["policy_relations"])
    eo = _policy(out, "第 14110 號行政命令")
    titles = {p["policy_id"]: p["title"] for p in out["policies"]}
    revocations = sorted((titles[r["policy_id"]], r["source_id"], r["source_locator"]) for r in out["policy_relations"]
                         if r["relation"] == "revokes" and r["related_policy_id"] == eo["policy_id"])
    assert revocations == [("Initial Rescissions of Harmful Executive Orders and Actions", FR,
                            "full_text/2025-01901.xml L87"), ("第14179號行政命令", SOURCE_000, "L685-685")]
    fr_rel, report_rel = (next(r for r in out["policy_relations"] if r["source_id"] == sid
                               and r["related_policy_id"] == eo["policy_id"] and r["relation"] == "revokes")
                          for sid in (FR, SOURCE_000))
    flags = _flags(out, "sources_disagree")
    assert len(flags) == 1
    f = flags[0]
    assert (f["table_name"], f["record_key"], f["source_id"], f["source_locator"]) == (
        "policy_relations", report_rel["relation_id"], FR, "full_text/2025-01901.xml L87")
    assert f["detail"] == (
        "what revokes 第 14110 號行政命令: the legal_record federal_register full_text/2025-01901.xml L87 states "
        f"Initial Rescissions of Harmful Executive Orders and Actions ({fr_rel['evidence']!r}); the report "
        f"tier-2025-genai-global-economy L685-685 states 第14179號行政命令 ({report_rel['evidence']!r}); "
        "both relations kept, the legal_record's is canonical")
    assert "(ggg) Executive Order 14110 of October 30, 2023" in fr_rel["evidence"]
    assert "撤銷拜登的14110號行政命令" in report_rel["evidence"]


# --- terms of use -----------------------------------------------------------------------------------------

def test_policies_only_agora_names_are_non_commercial(seed, agora):
    out = _resolve(seed, agora)
    pol = _policy(out, "Canadian Guardrails for Generative AI – Code of Practice")       # AGORA 1053, L52-62
    assert pol["policy_id"] == resolve.policy_key_id("CA", resolve.title_key(pol["title"]))   # its own key
    assert (pol["non_commercial"], pol["licence"], pol["identifiers"], pol["issued_printed"]) == (
        True, AGORA_TERMS, "AGORA:1053", "2023-08-16")
    assert pol["url"].startswith("https://ised-isde.canada.ca/")
    assert pol["title_en"] == pol["title"]                       # AGORA's English name: the record's own title
    only_agora = [p for p in out["policies"] if p["source_id"] == AGORA]
    assert len(only_agora) == 7 and all(p["non_commercial"] for p in only_agora)


def test_a_policy_the_reports_name_stays_open_with_agora(seed, agora, fr):
    """AGORA's values (its link, its English name of EO 14179) stay on its mention rows: the policies the
    reports name take open values only, so WHERE NOT non_commercial keeps every one of them."""
    out = _resolve(seed, agora)
    assert sum(not p["non_commercial"] for p in out["policies"]) == 157
    eo = _policy(out, "第14179號行政命令")
    assert (eo["identifiers"], eo["url"], eo["title_en"], eo["non_commercial"], eo["licence"]) == (
        "AGORA:1780; EO 14179", None, None, False, TERMS_000)
    # the Federal Register's record supplies an open url and English title
    eo = _policy(_resolve(seed, [*agora, _record(fr, "EO 14179")]), "第14179號行政命令")
    assert (eo["url"], eo["title_en"], eo["non_commercial"]) == (
        FR_14179_URL, "Removing Barriers to American Leadership in Artificial Intelligence", False)


def test_every_source_as_the_pipeline_resolves_them(extracted, seed):
    """Reports, Federal Register and AGORA (OWID gives indicators only): 157 report policies keep their ids,
    EO 14148 and 7 AGORA-only documents are added; the disagreements are three sources_disagree flags."""
    roles = {sid: rows["sources"][0]["role"] for sid, rows in extracted.items()}
    out = _resolve(_rows(extracted, sorted(extracted)), roles=roles)
    before = {p["policy_id"] for p in _resolve(seed)["policies"]}
    assert len(out["policies"]) == 172 and before <= {p["policy_id"] for p in out["policies"]}
    assert sorted(p["title"] for p in out["policies"] if p["non_commercial"]) == [
        "An Act concerning consumer protections in interactions with artificial intelligence systems.",
        "California SB 53", "Canadian Guardrails for Generative AI – Code of Practice",
        "Copyright and Artificial Intelligence Part 3: Generative AI Training Report Pre-Publication Version 2025",
        "Executive Order on Advancing United States Leadership in Artificial Intelligence Infrastructure (EO 14141)",
        "Frontier AI Safety Commitments, AI Seoul Summit 2024",
        "Safe and Secure Innovation for Frontier Artificial Intelligence Models Act (SB 1047)"]
    assert sorted((f["table_name"], f["record_key"] in before) for f in _flags(out, "sources_disagree")) == [
        ("policies", True), ("policies", True), ("policy_relations", False)]
    assert {p["title"]: p["identifiers"] for p in out["policies"] if p["policy_id"] in before and p["identifiers"]} == {
        "第 14110 號行政命令": "EO 14110", "第14179號行政命令": "AGORA:1780; EO 14179", "AI 法案": "CELEX:32024R1689",
        "生成式人工智慧服務管理暫行辦法": "AGORA:1137; AGORA:37", "網路資訊服務深度合成管理規定": "AGORA:36"}


# --- reviewed joins of live records -------------------------------------------------------------------------

def test_source_scoped_alias_is_skipped_without_its_source_and_stale_with_it(seed, agora):
    entry = {"table": "policies", "action": "same_as", "reason": "test", "source_line": "test", "_where": "e1",
             "match": {"jurisdiction": "US", "source_id": AGORA, "title": "No Such Order"}, "same_as": "FASST"}
    out = resolve.resolve(seed["policy_mentions"], seed["policy_relations"], overrides=[entry])
    assert out["overrides_applied"] == {}                             # no AGORA mention: not applied, not counted
    with pytest.raises(resolve.OverrideError, match="e1"):
        resolve.resolve(seed["policy_mentions"] + agora, seed["policy_relations"], overrides=[entry])
