"""Context: who issued a named instrument, where, when and in what status, read from the sentence around its
title (and the heading stack); and the relations a sentence states between two titles. Cues come from
``rules/prose.yaml`` (``status``, ``date``, ``recommendation``, ``private``, ``relations``)."""
from __future__ import annotations

import re
from itertools import pairwise

from extractors.core.records import relation_id
from extractors.report_text.prose.candidates import Candidate
from extractors.report_text.prose.layout import Unit
from extractors.report_text.prose.places import juris_of, orgs_in, places_in
from extractors.report_text.prose.rules import rules


def clause_start(text: str, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last , ; : that is not inside brackets."""
    depth = 0
    for k in range(pos - 1, -1, -1):
        ch = text[k]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",，;；:：":
            return k + 1
    return 0


def date_near(text: str, start: int, end: int, others: list[tuple[int, int]] = ()) -> str | None:
    """The printed date of the title at text[start:end]: the nearest before it with no other title in
    between, else the nearest after it in the same clause; targets and periods are not issue dates, and a
    relative date (同年 6 月) hides the dates before it (it cannot be read as printed)."""
    r = rules()
    before, after = None, None
    spans = [(m.start(), m.end(), m.group(0)) for m in r.date.finditer(text)]
    spans += [(m.start(), m.end(), None) for m in re.finditer(r"同年\s*\d{1,2}\s*月", text)]
    for s, e, printed in sorted(spans):
        if start <= s < end or any(a <= s < b for a, b in others):
            continue
        if printed and (r.date_not_after.match(text[e:]) or r.date_not_before.search(text[:s])):
            continue
        if e <= start:
            if any(e <= a and b <= start for a, b in others):
                before = None
                continue
            if clause_start(text, start) > e:
                # the date sits in an earlier clause: it dates this title only when that clause is the
                # date alone (``2024年7月,國科會預告《...》``)
                c0 = clause_start(text, s)
                sep = re.search(r"[,，;；:：]", text[e:])
                rest = text[c0:e + (sep.start() if sep else 0)].replace(text[s:e], "")
                if len(re.sub(r"[\s於在自從]", "", rest)) > 2:
                    before = None
                    continue
            before = (s, printed)
        elif s >= end and after is None and s >= end and clause_start(text, s) <= end and \
                not any(end <= a and b <= s for a, b in others):
            after = (s, printed)
    pick = before or after
    return pick[1].strip() if pick and pick[1] else None


def recommended(text: str, start: int) -> bool:
    """A recommendation by the authors (建議 / 應 ... 制定 X) or an indefinite naming (制定一套 ...「X」); a name
    given right before the marks (一個稱為「廣島 AI 進程」的論壇, 000 L1024) is not indefinite."""
    clause = text[clause_start(text, start):start]
    return bool(rules().recommendation.search(clause)
                or re.search(r"(?:一套|一個|一項|一份|一部)[^,，]{0,20}$", clause)
                and not re.search(r"(?:稱為|名為|名叫|叫做|命名為)\s*$", clause))


def status_of(text: str, cand: Candidate) -> str | None:
    """proposed (草案 or a ``status.proposed`` cue just around the title), adopted, or None."""
    r = rules()
    before = re.split(r"[、》」]", text[max(0, cand.start - 12):cand.start])[-1]
    after = re.split(r"[、《「]", text[cand.end:cand.end + 8])[0]
    around = before + cand.title + after
    if "草案" in cand.title or r.proposed.search(around):
        return "proposed"
    if r.adopted.search(around):
        return "adopted"
    return None


def issuer_of(text: str, cand: Candidate) -> str | None:
    """The organisation (as named in ``organisations``) nearest before the title in its clause, else the
    sentence's subject (an organisation in its first clause), or None. A view's issuer is the body printed
    right before it, as printed (…和文化審議會著作權分科會制度小委員會的「AI 與著作權相關觀點」, 000 L1096)."""
    if cand.how == "view":
        body = re.search(r"([^\s,，;；。、「」《》()（）和及與]+?)\s*(?:的|之|所發布的|發布的|發布之)\s*$",
                         text[:cand.start])
        if body:
            return body.group(1)
    orgs = [o for o in orgs_in(text) if o[1] <= cand.start]
    if not orgs:
        return None
    clause = clause_start(text, cand.start)
    in_clause = [o for o in orgs if o[0] >= clause]
    if in_clause:
        return in_clause[-1][2]
    first_clause_end = len(text)
    for k in range(len(text)):
        if clause_start(text, k + 1) == k + 1 and text[k] in ",，;；:：":
            first_clause_end = k
            break
    subject = [o for o in orgs if o[1] <= first_clause_end]
    return subject[0][2] if subject else None


def jurisdiction_of(unit: Unit, cand: Candidate, spec: dict) -> str | None:
    """The title's jurisdiction: named in or printed with the title (a label, an acronym right after it), else
    the nearest place before it in the sentence, else the heading stack's, else the spec's ``jurisdiction``."""
    own = cand.juris or juris_of(cand.title)
    if own:
        return own
    near = cand.title + re.split(r"[《「]", unit.text[cand.end:cand.end + 80])[0]
    for acronym, code in rules().acronyms.items():
        if re.search(rf"\b{acronym}\b", near):
            return code
    places = [j for s, j in places_in(unit.text) if s < cand.start]
    if places:
        return places[-1]
    for h in reversed(unit.stack):
        if h.jurisdiction:
            return h.jurisdiction
    return spec.get("jurisdiction")


def issuer_below(lines: list[str], last: int) -> tuple[str | None, str | None]:
    """On a slide, the line after a name may say who published it (``英國國家網路安全中心+美國國土安全部 合作發布``):
    (issuer as printed, jurisdiction of its first body), or (None, None)."""
    for n in range(last, min(len(lines), last + 2)):
        s = lines[n].strip()
        if re.search(r"發布|公布", s):
            orgs = orgs_in(s)
            if orgs:
                issuer = re.sub(r"\s*(?:合作|共同)?(?:發布|公布).*$", "", s).strip()
                return issuer or orgs[0][2], orgs[0][3]
    return None, None


def private_issuer(text: str, cand: Candidate) -> bool:
    """The nearest body named before the title (in the sentence) is a company or private body."""
    before = text[:cand.start]
    public = [o[0] for o in orgs_in(before)] + [p for p, _ in places_in(before)]
    last_org = max(public) if public else -1
    private = list(rules().private.finditer(before))
    return bool(private) and private[-1].start() > last_org


def _led(text: str, cand: Candidate, lead: str) -> re.Match | None:
    """The cue opens the clause of the title it introduces (為因應 B, ... 推出 A)."""
    head = text[clause_start(text, cand.start):cand.start]
    return re.match(rf"^\s*(?:\S{{0,2}})(?:{lead})\s*\S{{0,6}}$", head)


def _related(text: str, rule: dict, first: tuple, second: tuple) -> tuple[dict, dict] | None:
    """(source row, related row) when the rule's cue links two titles: between them (A 撤銷 B), or before the
    one that is not the subject (為因應 B ... A: A implements B); else None."""
    (a, ra), (b, rb) = first, second
    if rule.get("between") and re.search(rule["between"], text[a.end:b.start]):
        return ra, rb
    if rule.get("lead"):
        led_a, led_b = _led(text, a, rule["lead"]), _led(text, b, rule["lead"])
        if led_b and not led_a:
            return ra, rb
        if led_a and not led_b:
            return rb, ra
    return None


def relations(ex, unit: Unit, mentions: list[tuple[Candidate, dict]]) -> None:
    """Append a ``policy_relations`` row to ``ex`` for each relation (``rules/prose.yaml`` ``relations``) the
    unit states between two successive mentions (candidate, mention row) of different policies."""
    if len(mentions) < 2:
        return
    for rule in rules().relations:
        for (a, ra), (b, rb) in pairwise(mentions):
            if ra["policy_id"] == rb["policy_id"]:
                continue
            pair = _related(unit.text, rule, (a, ra), (b, rb))
            if not pair:
                continue
            src, dst = pair
            ex.rows["policy_relations"].append({
                "relation_id": relation_id(src["policy_id"], rule["relation"], dst["policy_id"]),
                "policy_id": src["policy_id"], "relation": rule["relation"],
                "related_policy_id": dst["policy_id"], "evidence": unit.text,
                "source_id": ex.source_id, "source_locator": unit.locator,
            })
