"""Resolve stage: the policy mentions of all sources -> one ``policies`` row per real-world instrument.

See :mod:`extractors.resolve.policies`; the names below are its public interface.
"""
from extractors.resolve.policies import (OverrideError, load_overrides, policy_key_id, relation_id, resolve,
                                         title_acronym, title_key)

__all__ = ["OverrideError", "load_overrides", "policy_key_id", "relation_id", "resolve", "title_acronym",
           "title_key"]
