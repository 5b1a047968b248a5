"""Check frames derived from the dataset tables, validated like tables (suites named after them):
``printed_totals`` and ``budget_totals`` (does a printed total equal the sum of its parts?) and
``policy_integrity`` (do the policy tables link up?).
"""
from __future__ import annotations

import pandas as pd

DERIVED = ("printed_totals", "policy_integrity", "budget_totals")


def add_derived(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``frames`` plus the derived check frames its tables allow (a new dict; the input is not changed)."""
    frames = dict(frames)
    if "market_figures" in frames:
        frames["printed_totals"] = printed_totals(frames["market_figures"])
    if "budgets" in frames:
        frames["budget_totals"] = budget_totals(frames["budgets"])
    if {"policies", "policy_mentions", "policy_relations"} <= set(frames):
        frames["policy_integrity"] = policy_integrity(frames["policies"], frames["policy_mentions"],
                                                      frames["policy_relations"])
    return frames


def policy_integrity(policies: pd.DataFrame, mentions: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """One row per link check between the policy tables: ``check``, ``key``, ``holds`` (bool).

    Checks: each mention's policy_id is a policy (mention_resolves); each relation's two ids are policies
    (relation_resolves); each policy's mention_count equals its number of mentions (mention_count)."""
    known = set(policies["policy_id"]) if len(policies) else set()
    rows = [{"check": "mention_resolves", "key": m, "holds": p in known}
            for m, p in zip(mentions.get("mention_id", []), mentions.get("policy_id", []), strict=True)]
    for r, a, b in zip(relations.get("relation_id", []), relations.get("policy_id", []),
                       relations.get("related_policy_id", []), strict=True):
        rows.append({"check": "relation_resolves", "key": r, "holds": a in known and b in known})
    counts = mentions["policy_id"].value_counts().to_dict() if len(mentions) else {}
    for pid, n in zip(policies.get("policy_id", []), policies.get("mention_count", []), strict=True):
        rows.append({"check": "mention_count", "key": pid, "holds": int(counts.get(pid, 0)) == int(n)})
    return pd.DataFrame(rows, columns=["check", "key", "holds"])


def printed_totals(market: pd.DataFrame) -> pd.DataFrame:
    """One row per printed total in market_figures (segment NULL next to segment rows of the same table,
    metric and period) with the sum of its parts and their relative difference."""
    cols = ["source_id", "table_id", "metric", "period_start", "period_end", "total", "parts_sum",
            "relative_difference", "source_locator"]
    if market.empty:
        return pd.DataFrame(columns=cols)
    df = market.assign(table_id=market["source_locator"].str.extract(r"^表 (\S+)")[0])
    df = df[(df["unit"] != "%") & (df["value_low"] == df["value_high"])]
    keys = ["source_id", "table_id", "metric", "period_start", "period_end"]
    totals = df[df["segment"].isna()]
    parts = df[df["segment"].notna()].groupby(keys, dropna=False)["value_low"].sum().rename("parts_sum")
    merged = totals.merge(parts.reset_index(), on=keys, how="inner")
    merged = merged.rename(columns={"value_low": "total"})
    merged["relative_difference"] = (merged["parts_sum"] - merged["total"]) / merged["total"].abs().clip(lower=1)
    return merged[cols].reset_index(drop=True)


def budget_totals(budgets: pd.DataFrame) -> pd.DataFrame:
    """One row per printed total of a budget table (kind ``total``) with the sum of the table's items
    (kind ``item``) over the same period and their relative difference."""
    cols = ["source_id", "table_id", "period_start", "period_end", "period_basis", "total", "parts_sum",
            "relative_difference", "source_locator"]
    if budgets.empty:
        return pd.DataFrame(columns=cols)
    df = budgets.assign(table_id=budgets["source_locator"].str.extract(r"^表 (\S+)")[0])
    keys = ["source_id", "table_id", "period_start", "period_end", "period_basis"]
    totals = df[df["kind"] == "total"]
    items = df[df["kind"] == "item"]
    by_year = items[items["period_basis"] == "year"]
    parts = by_year.groupby(keys, dropna=False)["amount"].sum().rename("parts_sum").reset_index()
    # a whole-period total (合計 column of the 總計 row) against all the table's single-year items
    span = by_year.groupby(["source_id", "table_id"])["amount"].sum().rename("span_sum").reset_index()
    merged = totals.merge(parts, on=keys, how="left").merge(span, on=["source_id", "table_id"], how="left")
    merged["parts_sum"] = merged["parts_sum"].where(merged["period_basis"] == "year", merged["span_sum"])
    merged = merged[merged["parts_sum"].notna()].rename(columns={"amount": "total"})
    merged["relative_difference"] = (merged["parts_sum"] - merged["total"]) / merged["total"].abs().clip(lower=1)
    return merged[cols].reset_index(drop=True)
