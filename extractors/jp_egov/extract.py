"""jp_egov snapshot -> ``policy_mentions``, ``policy_events`` and ``quality_flags`` (offline).

**Mentions.** One per tracked law whose revisions the version holds (context ``record``, jurisdiction ``JP``,
identifier ``JP-LAW:<law id>``), located at its current revision (``revisions/<id>.json #/revisions/<i>``,
``CurrentEnforced``, else the newest): ``title_printed`` its ``law_title`` as recorded, ``title_en`` the
LawTitle of the English reference XML when the version holds it (Japanese Law Translation Database: the
source's licence says so), ``issued_printed`` ``law_info.promulgation_date`` as recorded, ``instrument_type``
from ``law_type`` (settings ``law_types``), ``url`` the e-Gov page (settings ``law_page``), ``status``
``revoked`` once a revision records a repeal or expiry, else ``adopted``; ``text`` the law number, short title
and category as recorded.

**Events** (``policy_events``):

- ``promulgated`` on ``law_info.promulgation_date``, text the law number;
- the law's own states (``amendment_law_id`` null), oldest first: the first -> ``entered_into_force`` on its
  ``amendment_enforcement_date`` (text: the 附則's main sentence, "この法律は、公布の日から施行する。"); each later
  one -> ``applies_from`` on its date, for the parts the 附則's proviso names ("第三章及び第四章並びに附則第三条及び
  第四条", text: the proviso) when the XML has one proviso and there is one later state; otherwise with no scope
  and an ``enforcement_scope_unread`` flag;
- per amending law (``amendment_law_id``): ``amended`` on its ``amendment_promulgate_date``,
  ``related_identifier`` its ``amendment_law_num``;
- a ``repeal_status`` that settings ``repeal_statuses`` maps to ``repealed`` / ``expired``: that event on
  ``repeal_date``; ``Suspend``: a ``repeal_status_suspend`` flag.

Dates are ISO in the API; they are kept as recorded in ``event_printed`` and read as days.
"""
from __future__ import annotations

import json

from extractors.core.records import Extraction, add_event, add_mention
from extractors.core.snapshots import Snapshot

from extractors.jp_egov import config, egov
from extractors.jp_egov.config import SOURCE_ID

JURISDICTION = "JP"


def _mention(ex: Extraction, law: config.Law, data: dict, title_en: str | None, s: config.Settings) -> dict:
    info, i = data["law_info"], egov.current(data)
    rev = data["revisions"][i]
    ended = any(s.repeal_statuses.get(str(r["repeal_status"])) for r in data["revisions"])
    kind = s.law_types.get(str(info["law_type"]))
    if kind is None:
        ex.flag("policy_mentions", f"JP-LAW:{law.law_id}", "law_type_unknown", f"law_type {info['law_type']!r} is "
                "not in settings.yaml law_types; instrument_type other", f"{law.revisions_file} #/law_info/law_type")
    text = "; ".join(f"{k}: {v}" for k, v in (("law_num", info["law_num"]), ("abbrev", rev.get("abbrev")),
                                              ("category", rev.get("category"))) if v)
    return add_mention(ex, jurisdiction=JURISDICTION, title_printed=rev["law_title"],
                       locator=f"{law.revisions_file} #/law_info", context="record",
                       issued_printed=info["promulgation_date"], text=text, status="revoked" if ended else "adopted",
                       instrument_type=kind or "other", title_en=title_en, identifier=f"JP-LAW:{law.law_id}",
                       url=s.law_page.format(law_id=law.law_id))


def _key(data: dict, i: int) -> str:
    """What identifies revision ``i`` across versions (its ``law_revision_id``): a newer revision is inserted at the
    head of the list, which moves every JSON pointer but must not change the ids of stages already recorded."""
    return f"revision {data['revisions'][i]['law_revision_id']}"


def _own_states(ex: Extraction, pid: str, law: config.Law, data: dict, xml: egov.LawXml | None) -> None:
    own = sorted((r["amendment_enforcement_date"], i) for i, r in enumerate(data["revisions"])
                 if not r["amendment_law_id"] and r["amendment_enforcement_date"])
    dates = list(dict.fromkeys(d for d, _ in own))
    for n, when in enumerate(dates):
        i = next(i for d, i in own if d == when)
        where = f"{law.revisions_file} #/revisions/{i}/amendment_enforcement_date"
        if n == 0:
            add_event(ex, policy_id=pid, event="entered_into_force", printed=when, locator=where,
                      text=xml.main.text if xml and xml.main else None, key=_key(data, i))
            continue
        scope = xml.scope if xml and xml.scope and len(dates) == 2 else None
        if scope is None:
            ex.flag("policy_events", pid, "enforcement_scope_unread", f"the law's state from {when} applies to "
                    "parts its 附則 does not name in one proviso; applies_from without scope", where)
        add_event(ex, policy_id=pid, event="applies_from", printed=when, locator=where, scope=scope,
                  text=xml.proviso.text if scope else None, key=_key(data, i))


def _changes(ex: Extraction, pid: str, law: config.Law, data: dict, s: config.Settings) -> None:
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(data["revisions"]):
        where = f"{law.revisions_file} #/revisions/{i}"
        if r["amendment_law_id"] and ("amended", r["amendment_law_id"]) not in seen:
            seen.add(("amended", r["amendment_law_id"]))
            add_event(ex, policy_id=pid, event="amended", printed=r["amendment_promulgate_date"],
                      locator=f"{where}/amendment_promulgate_date", related_identifier=r["amendment_law_num"],
                      key=_key(data, i),
                      text=f"{r['amendment_law_title']} ({r['amendment_law_num']}), enforced from "
                           f"{r['amendment_enforcement_date'] or r.get('amendment_scheduled_enforcement_date')}")
        status = str(r["repeal_status"])
        event = s.repeal_statuses.get(status)
        if status == "Suspend":
            ex.flag("policy_events", pid, "repeal_status_suspend", f"repeal_status Suspend (停止) from "
                    f"{r['repeal_date']}: suspended, no event", f"{where}/repeal_status", severity="info")
        if event and (event, status) not in seen:
            seen.add((event, status))
            add_event(ex, policy_id=pid, event=event, printed=r["repeal_date"], locator=f"{where}/repeal_date",
                      text=f"repeal_status {status}", key=_key(data, i))


def extract(snapshot: Snapshot) -> Extraction:
    """Rows of one verified version (module docstring). Deterministic: laws in settings order."""
    s = config.load()
    ex = Extraction(snapshot.source_id or SOURCE_ID)
    for law in s.laws:
        if snapshot.file_entry(law.revisions_file) is None:
            ex.flag("policy_mentions", f"JP-LAW:{law.law_id}", "tracked_law_missing", f"{law.law_id} (settings.yaml "
                    "laws) has no revisions in this version", snapshot.meta.get("snapshot_file", "SHA256SUMS"))
            continue
        data = json.loads(snapshot.file(law.revisions_file).read_bytes().decode("utf-8-sig"))
        xml = egov.read_law(snapshot.file(law.law_file).read_bytes()) \
            if snapshot.file_entry(law.law_file) is not None else None
        title_en = egov.read_translation(snapshot.file(law.translation_file).read_bytes())[0] \
            if snapshot.file_entry(law.translation_file) is not None else None
        pid = _mention(ex, law, data, title_en, s)["policy_id"]
        info = data["law_info"]
        add_event(ex, policy_id=pid, event="promulgated", printed=info["promulgation_date"], text=info["law_num"],
                  locator=f"{law.revisions_file} #/law_info/promulgation_date")
        _own_states(ex, pid, law, data, xml)
        _changes(ex, pid, law, data, s)
    return ex
