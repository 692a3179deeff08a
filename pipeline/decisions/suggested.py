"""The coders' own codes in a run analyzed with ``--coding``, as codes a review can use.

The coders' codes enter the run's codebook as accepted codes (ids ``H1``…, their themes
``HT1``…), holding the units the coders coded. A suggested unit stays unassigned until a coder
decides: accepting it moves the unit to the suggested code, correcting it moves it to another
code, and rejecting it marks it uncoded (``move_unit`` decisions, replayed like any other). The
suggestions no coder has decided yet are the review queue, least confident first: a coder's
answer there teaches the next run most.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.decisions.log import ACCEPTED, Code, State, Theme
from pipeline.stages.suggest import Suggestion
from pipeline.types import HUMAN, SUGGESTED

ORIGIN = "the coders' coding"


def coders_ids(suggestions: tuple[Suggestion, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """Ids for the coders' themes and codes (by name), in the order of their names."""
    found = {(s.theme, s.code) for s in suggestions if s.code and s.source in (HUMAN, SUGGESTED)}
    themes = {t: f"HT{i + 1}" for i, t in enumerate(sorted({t for t, _ in found}))}
    codes = {c: f"H{i + 1}" for i, c in enumerate(sorted({c for _, c in found}))}
    return themes, codes


def with_coders_codes(state: State, suggestions: tuple[Suggestion, ...]) -> State:
    """``state`` with the coders' codes (accepted) and the units they coded."""
    if not suggestions:
        return state
    theme_ids, code_ids = coders_ids(suggestions)
    theme_of = {s.code: s.theme for s in suggestions if s.code}
    themes = {**state.themes, **{i: Theme(i, t) for t, i in theme_ids.items()}}
    codes = {**state.codes, **{i: Code(i, c, theme_ids[theme_of[c]], ACCEPTED, origin=ORIGIN)
                               for c, i in code_ids.items()}}
    assigned = dict(state.assigned)
    for unit, s in zip(state.units, suggestions):
        if s.source == HUMAN and s.code:
            assigned[unit.segment_id] = code_ids[s.code]
    return replace(state, themes=themes, codes=codes, assigned=assigned)


def decided_units(decisions: list[dict[str, Any]]) -> set[str]:
    """Units some decision placed (moved to a code, or marked uncoded)."""
    return {d["unit"] for d in decisions if d.get("action") == "move_unit"}


def queue(state: State, suggestions: tuple[Suggestion, ...], decided: set[str]) -> list[dict[str, Any]]:
    """The suggestions not yet decided, least confident first and, as sure, closest to two codes
    first (a coder's answer there teaches the next run most); each with its code's id, the part
    of the unit suggested (``span``: file offsets), the code next closest (``alternative``: its id,
    "" for none) and its evidence (the coders' units most like it)."""
    _, code_ids = coders_ids(suggestions)
    units = state.units
    waiting = [(u, s) for u, s in zip(units, suggestions) if s.source == SUGGESTED
               and u.segment_id not in decided and code_ids.get(s.code) in state.codes]
    waiting.sort(key=lambda pair: (pair[1].confidence, pair[1].margin, pair[0].segment_id))
    return [{"unit": u.segment_id, "code": code_ids[s.code], "confidence": s.confidence,
             "span": list(s.part(u.start, u.end)), "alternative": code_ids.get(s.alternative, ""),
             "evidence": [units[i].segment_id for i in s.evidence]} for u, s in waiting]
