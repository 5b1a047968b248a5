"""The tw_law live source (Taiwan's 全國法規資料庫, MOJ Open API): the bundled first version extracted to exact
values, histories and the dump reader, resolution with the seed documents; fetching from a stand-in MOJ on
127.0.0.1 is in tests/test_tw_law_fetch.py, with the dump builders defined here.

The law records are real: each law's object of a MOJ dump as recorded by kong0107/mojLawSplitJSON @ 269a809
(tests/fixtures/live/tw_law/, see PROVENANCE.md). The dumps themselves were not recorded, so what the stand-in
serves is built here from those records: a ZIP holding ``ChLaw.json`` / ``ChOrder.json`` made of a byte-order
mark, ``{"UpdateDate": "<date>", "Laws": [`` the real objects byte for byte, joined by ``,\\n`` ``]}`` (the shape
MOJ users document: a BOM, then ``UpdateDate`` and ``Laws``; the UpdateDate is printed like ``2026/9/11 上午
12:00:00``). Broken or newer bodies (a renamed key, a law left out, a new history entry) are derived from the real
records in each test, which says so.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from extractors import resolve
from extractors.core import snapshots
from extractors.core.snapshot_writer import STATUS_FILE, RecordedFile, write_version
from extractors.tw_law import SOURCE, bundle, config, dump, history
from extractors.tw_law.fetch import fingerprint
from warehouse import sources as warehouse_sources

ROOT = Path(__file__).resolve().parent.parent
LIVE = ROOT / "tests" / "fixtures" / "live" / "tw_law"
IN_LAW_DUMP = ("I0050021", "D0080226", "H0170143")          # the tracked 法律 the fixtures hold
IN_ORDER_DUMP = ("A0030322", "L0020197", "D0080221")        # the tracked 命令
UPDATE = "2024/10/11 上午 12:00:00"
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)


def real(pcode: str) -> bytes:
    return (LIVE / f"kong0107__mojLawSplitJSON__{pcode}.json").read_bytes()


def member(bodies: list[bytes], update: str = UPDATE) -> bytes:
    """A dump member around real law objects (module docstring)."""
    return ("\ufeff{\"UpdateDate\": " + json.dumps(update, ensure_ascii=False) + ", \"Laws\": [").encode() \
        + b",\n".join(bodies) + b"]}"


def dump_zip(name: str, bodies: list[bytes], update: str = UPDATE) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, member(bodies, update))
    return buf.getvalue()


def law_zip(update: str = UPDATE, **replace: bytes) -> bytes:
    return dump_zip("ChLaw.json", [replace.get(p, real(p)) for p in IN_LAW_DUMP], update)


def order_zip(update: str = UPDATE, **replace: bytes) -> bytes:
    return dump_zip("ChOrder.json", [replace.get(p, real(p)) for p in IN_ORDER_DUMP], update)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but fetch_status.yaml (which records each attempt by design)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STATUS_FILE}


def events(ex) -> list[tuple]:
    return [(e["source_locator"], e["event"], e["event_on"], e["event_printed"], e["scope"], e["related_identifier"])
            for e in ex.rows["policy_events"]]


# --- the bundled first version -----------------------------------------------------------------------------------

def test_bundled_version_gives_one_mention_per_law_with_exact_values():
    ex = SOURCE.extract(snapshots.load("tw_law", ROOT / "sources"))
    got = {m["identifier"]: m for m in ex.rows["policy_mentions"]}
    assert sorted(got) == ["TW-LAW:A0030322", "TW-LAW:D0080226", "TW-LAW:I0050021"]
    keys = ("source_locator", "context", "jurisdiction", "title_printed", "title_en", "instrument_type",
            "issuer_printed", "issued_printed", "issued_on", "issued_precision", "status", "url")
    assert {k: got["TW-LAW:I0050021"][k] for k in keys} == {
        "source_locator": "laws/I0050021.json", "context": "record", "jurisdiction": "TW",
        "title_printed": "個人資料保護法", "title_en": "Personal Data Protection Act", "instrument_type": "law",
        "issuer_printed": "總統", "issued_printed": "中華民國八十四年八月十一日", "issued_on": dt.date(1995, 8, 11),
        "issued_precision": "day", "status": "adopted",
        "url": "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=I0050021"}
    assert got["TW-LAW:I0050021"]["text"] == ("第 1 條 為規範個人資料之蒐集、處理及利用，以避免人格權受侵害，"
                                             "並促進個人資料之合理利用，特制定本法。")
    fraud = got["TW-LAW:D0080226"]
    assert (fraud["title"], fraud["title_en"], fraud["instrument_type"], fraud["issuer_printed"],
            fraud["issued_on"]) == ("詐欺犯罪危害防制條例", None, "law", "總統", dt.date(2024, 7, 31))
    # the deepfake provision is the mention's text, as printed
    assert fraud["text"].startswith("第 31 條 網路廣告平臺業者於其平臺刊登或推播廣告時，應於廣告中揭露下列資訊：\r\n")
    assert "四、廣告使用深度偽造技術或人工智慧生成之個人影像。\r\n" in fraud["text"]
    assert fraud["text"].count("\n第 ") == 0 and fraud["text"].endswith("由數位經濟相關產業主管機關定之。")
    ndc = got["TW-LAW:A0030322"]
    assert (ndc["instrument_type"], ndc["issuer_printed"], ndc["issued_printed"], ndc["issued_on"]) == (
        "regulation", "國家發展委員會", "中華民國一百十年四月二十一日", dt.date(2021, 4, 21))
    assert ndc["text"].split("\n") == [
        "第 2 條 國家發展委員會（以下簡稱本會）為推動亞洲．矽谷計畫，得以補助方式鼓勵 5G 、"
        "人工智慧結合物聯網（AIoT）之智慧城鄉示範應用，加速數位經濟發展。",
        "第 4 條 補助計畫之範圍，為以 5G 、人工智慧結合物聯網（AIoT）之技術為基礎，"
        "導入智慧城鄉示範場域應用，帶動國內產業創新發展、提升民眾生活品質之計畫。"]


def test_bundled_version_events_from_the_histories_and_effective_dates():
    ex = SOURCE.extract(snapshots.load("tw_law", ROOT / "sources"))
    pdpa = [e for e in events(ex) if e[0].startswith("laws/I0050021.json")]
    amended_2015 = "第 6～8、11、15、16、19、20、41、45、53、54 條條文"
    amended_2023 = "第 48、56 條條文；並增訂第 1-1  條條文"
    h = "laws/I0050021.json #/LawHistories/"
    assert pdpa == [
        (h + "1/1", "promulgated", dt.date(1995, 8, 11), "中華民國八十四年八月十一日", None, None),
        (h + "2/1", "promulgated", dt.date(2010, 5, 26), "中華民國九十九年五月二十六日", None, None),
        (h + "2/1", "amended", dt.date(2010, 5, 26), "中華民國九十九年五月二十六日", None,
         "總統華總一義字第 09900125121  號令"),
        (h + "2/1", "entered_into_force", dt.date(2010, 5, 26), "中華民國九十九年五月二十六日",
         "修正前八十四年八月十一日第 19～22、43 條之刪除", None),
        (h + "2/2", "entered_into_force", dt.date(2012, 10, 1), "一百零一年十月一日", "除第 6、54  條條文外，其餘條文",
         None),
        (h + "3/1", "promulgated", dt.date(2015, 12, 30), "中華民國一百零四年十二月三十日", amended_2015, None),
        (h + "3/1", "amended", dt.date(2015, 12, 30), "中華民國一百零四年十二月三十日", amended_2015,
         "總統華總一義字第 10400152861  號令"),
        (h + "3/2", "entered_into_force", dt.date(2016, 3, 15), "一百零五年三月十五日", amended_2015, None),
        (h + "4/1", "promulgated", dt.date(2023, 5, 31), "中華民國一百十二年五月三十一日", amended_2023, None),
        (h + "4/1", "amended", dt.date(2023, 5, 31), "中華民國一百十二年五月三十一日", amended_2023,
         "總統華總一經字第 11200045441  號令"),
        (h + "4/1", "entered_into_force", dt.date(2023, 5, 31), "中華民國一百十二年五月三十一日", "第 48 條條文", None),
        ("laws/I0050021.json #/LawEffectiveDate", "entered_into_force", None, "99991231",
         "一百十二年五月三十一日增訂之第 1-1  條條文", None),
    ]
    rest = [e for e in events(ex) if not e[0].startswith("laws/I0050021.json")]
    assert rest == [
        ("laws/A0030322.json #/LawHistories/1/1", "promulgated", dt.date(2021, 4, 21), "中華民國一百十年四月二十一日",
         None, None),
        ("laws/A0030322.json #/LawHistories/1/1", "entered_into_force", dt.date(2021, 4, 21),
         "中華民國一百十年四月二十一日", None, None),
        ("laws/D0080226.json #/LawHistories/1/1", "promulgated", dt.date(2024, 7, 31), "中華民國一百十三年七月三十一日",
         None, None),
        ("laws/D0080226.json #/LawHistories/1/1", "entered_into_force", dt.date(2024, 7, 31),
         "中華民國一百十三年七月三十一日", "除第 19、20、22、24 條、第 39 條第 2～5項有關流量管理措施、"
         "停止解析與限制接取處置部分及第 40 條第 1  項第 6  款之施行日期由行政院定之外，其餘條文", None),
        ("laws/D0080226.json #/LawEffectiveDate", "entered_into_force", None, "99991231",
         "一百十三年七月三十一日制定第 19、20、22、24 條、第 39 條第 2～5項有關流量管理措施、"
         "停止解析與限制接取處置部分及第 40 條第 1  項第 6  款條文", None),
    ]
    by_mention = {m["source_locator"].split(" ")[0]: m["policy_id"] for m in ex.rows["policy_mentions"]}
    assert all(e["policy_id"] == by_mention[e["source_locator"].split(" ")[0]] for e in ex.rows["policy_events"])
    assert all(e["event_precision"] == ("day" if e["event_on"] else None) for e in ex.rows["policy_events"])
    first = ex.rows["policy_events"][0]
    assert first["text"] == ("中華民國一百十年四月二十一日國家發展委員會發產字第 1101000338A號令"
                             "訂定發布全文 22 條；並自發布日施行")


def test_bundled_version_flags_the_dates_still_to_be_set_and_reads_every_statement():
    ex = SOURCE.extract(snapshots.load("tw_law", ROOT / "sources"))
    flags = [(f["check_name"], f["severity"], f["source_locator"]) for f in ex.rows["quality_flags"]]
    assert flags == [("effective_date_to_be_set", "info", "laws/D0080226.json #/LawEffectiveDate"),
                     ("effective_date_to_be_set", "info", "laws/I0050021.json #/LawEffectiveDate")]
    pdpa = ex.rows["quality_flags"][1]
    assert pdpa["detail"] == (
        "LawEffectiveDate 99991231 means the date of entry into force is still to be set "
        "(一百十二年五月三十一日增訂之第 1-1  條條文); LawEffectiveNote: "
        "一百十二年五月三十一日增訂之第 1-1  條條文，施行日期，由行政院定之。; 第 56 條: 本法施行日期，由行政院定之。"
        "本法中華民國九十九年五月二十六日修正公布之現行條文第十九條至第二十二條、第四十三條之刪除及"
        "一百十二年五月十六日修正之第四十八條，自公布日施行。")
    row = next(e for e in ex.rows["policy_events"] if e["event_id"] == pdpa["record_key"])
    assert (row["event_printed"], row["event_on"], row["text"]) == (
        "99991231", None, "一百十二年五月三十一日增訂之第 1-1  條條文，施行日期，由行政院定之。")


def test_the_bundle_script_reproduces_the_committed_version(tmp_path):
    path = bundle.write(tmp_path)
    committed = ROOT / "sources" / "tw_law" / path.name
    assert path.name == "2026-12-05"
    assert tree(path) == tree(committed)
    assert [(committed / "laws" / f"{p}.json").read_bytes() for p in ("I0050021", "D0080226", "A0030322")] == [
        real(p) for p in ("I0050021", "D0080226", "A0030322")]
    meta = snapshots.load("tw_law", ROOT / "sources").meta
    assert (meta["role"], meta["non_commercial"], meta["language"], str(meta["published_on"])) == (
        "legal_record", False, "zh-Hant", "2024-10-11")


def test_a_set_entry_into_force_date_and_a_whole_text_amendment(tmp_path):
    """L0020197 (a real record; LawEffectiveDate 20240701) in a version of its own."""
    write_version("tw_law", [RecordedFile("laws/L0020197.json", real("L0020197"), url="test")], SOURCE.meta(),
                  accessed=NOW, folder=tmp_path)
    ex = SOURCE.extract(snapshots.load("tw_law", tmp_path))
    h = "laws/L0020197.json #/LawHistories/"
    assert events(ex) == [
        (h + "1/1", "promulgated", dt.date(2018, 5, 11), "中華民國一百零七年五月十一日", None, None),
        (h + "1/1", "entered_into_force", dt.date(2018, 5, 11), "中華民國一百零七年五月十一日", None, None),
        (h + "2/1", "promulgated", dt.date(2024, 1, 22), "中華民國一百十三年一月二十二日", None, None),
        (h + "2/1", "amended", dt.date(2024, 1, 22), "中華民國一百十三年一月二十二日", None,
         "衛生福利部衛部醫字第 1131660423號令"),
        (h + "2/1", "entered_into_force", dt.date(2024, 7, 1), "一百十三年七月一日", None, None),
        ("laws/L0020197.json #/LawEffectiveDate", "entered_into_force", dt.date(2024, 7, 1), "20240701", None, None),
    ]
    (m,) = ex.rows["policy_mentions"]
    assert (m["instrument_type"], m["issuer_printed"], m["title_en"], ex.rows["quality_flags"]) == (
        "regulation", "衛生福利部", "Rules of Medical Diagnosis and Treatment by Telecommunications", [])


def test_a_history_date_that_is_no_date_and_a_statement_no_rule_reads_are_flagged(tmp_path):
    """Derived from D0080226's real record: its date replaced by 中華民國六十九年八月三十六日 (a date the database
    prints in I0040016 at 269a809), and a real statement of G0300023's history at 269a809 appended (a notice that
    the regulation is no longer applied for sanctions: no stage the settings read)."""
    law = json.loads(real("D0080226"))
    broken = law["LawHistories"].replace("中華民國一百十三年七月三十一日", "中華民國六十九年八月三十六日")
    law["LawHistories"] = broken + ("\r\n  中華民國一百零九年九月十四日金融監督管理委員會公告，於一百十年\r\n"
                                    "  一月一日起不再援用作為裁罰等處分之依據")
    body = json.dumps(law, ensure_ascii=False, indent=2).encode()
    write_version("tw_law", [RecordedFile("laws/D0080226.json", body, url="test")], SOURCE.meta(), accessed=NOW,
                  folder=tmp_path)
    ex = SOURCE.extract(snapshots.load("tw_law", tmp_path))
    (m,) = ex.rows["policy_mentions"]
    assert (m["issued_on"], m["issued_printed"], m["issuer_printed"]) == (None, None, "總統")
    flags = [(f["table_name"], f["record_key"], f["check_name"], f["severity"], f["source_locator"])
             for f in ex.rows["quality_flags"] if f["check_name"] != "effective_date_to_be_set"]
    assert flags == [
        ("policy_mentions", m["mention_id"], "date_unreadable", "warning", "laws/D0080226.json #/LawHistories/1/1"),
        ("policy_mentions", m["mention_id"], "history_statement_unread", "info",
         "laws/D0080226.json #/LawHistories/1/2")]
    assert ex.rows["quality_flags"][1]["detail"] == (
        "LawHistories entry 1, statement 2 states no stage the settings read: 中華民國一百零九年九月十四日"
        "金融監督管理委員會公告，於一百十年一月一日起不再援用作為裁罰等處分之依據")
    assert [e["source_locator"] for e in ex.rows["policy_events"]] == ["laws/D0080226.json #/LawEffectiveDate"]


# --- reading histories and dumps ---------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, date", [
    ("中華民國八十四年八月十一日", dt.date(1995, 8, 11)), ("一百零一年十月一日", dt.date(2012, 10, 1)),
    ("中華民國一百十年四月二十一日", dt.date(2021, 4, 21)), ("中華民國一百十三年七月三十一日", dt.date(2024, 7, 31))])
def test_roc_dates_in_words(printed, date):
    assert history.roc_date(printed) == date


def test_a_date_that_is_no_date_is_flagged_and_its_statement_left_out():
    """The database prints 中華民國六十九年八月三十六日 in one history (I0040016 at 269a809); derived here from
    D0080226's real history with that date in place of its own."""
    real_history = json.loads(real("D0080226"))["LawHistories"]
    broken = real_history.replace("中華民國一百十三年七月三十一日", "中華民國六十九年八月三十六日")
    (s,) = history.read(broken, config.load().actions, config.load().ignore)
    assert (s.stages, s.error) == ([], "'中華民國六十九年八月三十六日': day is out of range for month")


def test_the_dump_reader_keeps_each_law_object_byte_for_byte():
    raw = member([real(p) for p in IN_LAW_DUMP])
    assert raw.startswith(b"\xef\xbb\xbf{")
    read = dump.read_member(raw, "ChLaw.json", "test")
    assert read.update_date == UPDATE
    found = list(dump.laws(read, config.load().law_keys))
    assert [(law.index, law.pcode) for law in found] == [(0, "I0050021"), (1, "D0080226"), (2, "H0170143")]
    assert [law.body for law in found] == [real(p) for p in IN_LAW_DUMP]
    # UpdateDate printed after the list is found too (the list is walked once)
    after = b'{"Laws": [' + real("I0050021") + b'], "UpdateDate": "x"}'
    assert dump.read_member(after, "ChLaw.json", "test").update_date == "x"


def test_the_fingerprint_compares_content_not_whitespace():
    body = real("I0050021")
    compact = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()   # re-serialised
    assert compact != body and fingerprint("laws/I0050021.json", compact) == fingerprint("laws/I0050021.json", body)
    changed = body.replace(b'"LawModifiedDate": "20230531"', b'"LawModifiedDate": "20251111"')
    assert fingerprint("laws/I0050021.json", changed) != fingerprint("laws/I0050021.json", body)
    assert fingerprint("other.txt", b"x") == b"x"


# --- resolution with the seed documents --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_and_records(tmp_path_factory):
    """The pinned sources' mentions as the pipeline extracts them, and a tw_law version holding the tracked laws
    the seed documents name (國家語言發展法, 通訊診察治療辦法: real records, not bundled)."""
    extracted = {snap.source_id: warehouse_sources.extract(snap).rows for snap in snapshots.verify_all()}
    folder = tmp_path_factory.mktemp("tw_law_seed")
    write_version("tw_law", [RecordedFile(f"laws/{p}.json", real(p), url="test") for p in ("H0170143", "L0020197")],
                  SOURCE.meta(), accessed=NOW, folder=folder)
    return extracted, SOURCE.extract(snapshots.load("tw_law", folder)).rows


def _resolve(mentions: list[dict], events_: list[dict]) -> dict:
    roles = {"federal_register": "legal_record", "agora": "registry", "tw_law": "legal_record"}
    return resolve.resolve(mentions, [], roles=roles, events=events_)


def test_taiwans_personal_data_protection_act_stays_apart_from_koreas(seed_and_records):
    extracted, _ = seed_and_records
    out = _resolve([m for rows in extracted.values() for m in rows["policy_mentions"]],
                   extracted["tw_law"]["policy_events"])
    pdpa = sorted((p["jurisdiction"], p["mention_count"], p["identifiers"]) for p in out["policies"]
                  if p["title"] == "個人資料保護法")
    assert pdpa == [("KR", 2, None), ("TW", 1, "TW-LAW:I0050021")]
    assert len([e for e in out["policy_events"] if e["source_id"] == "tw_law"]) == 17


def test_tracked_laws_join_the_seed_mentions_that_name_them(seed_and_records):
    extracted, records = seed_and_records
    reports = [m for sid, rows in extracted.items() if sid != "tw_law" for m in rows["policy_mentions"]]
    out = _resolve(reports + records["policy_mentions"], records["policy_events"])
    by_title = {p["title"]: p for p in out["policies"] if p["identifiers"] and "TW-LAW:" in p["identifiers"]}
    assert sorted((t, p["jurisdiction"], p["identifiers"], p["source_count"], p["issued_on"], p["url"])
                  for t, p in by_title.items()) == [
        ("國家語言發展法", "TW", "TW-LAW:H0170143", 2, dt.date(2019, 1, 9),
         "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=H0170143"),
        ("通訊診察治療辦法", "TW", "TW-LAW:L0020197", 2, dt.date(2018, 5, 11),
         "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=L0020197")]
    seed_lines = {(m["source_id"], m["source_locator"]) for m in out["policy_mentions"]
                  if m["policy_id"] in {p["policy_id"] for p in by_title.values()} and m["source_id"] != "tw_law"}
    assert ("tier-2025-genai-global-economy", "L2816-2816") in seed_lines
    assert ("nstc-2024-ai-industry-law-report", "表 s-plans L1156-1156") in seed_lines
