"""Coders' decisions carried from an earlier run to a new one (``analyze --decisions``).

After interviews are added or removed, the clusters change and so do their ids. Units are matched
by file and text (or, in files that did not change, by overlapping offsets); each old candidate
code is matched to the new code that holds most of its units (one to one, optimally); then every
decision is rewritten with the new ids. What cannot be matched is listed, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from pipeline.config import check
from pipeline.decisions import log as dec

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CarryConfig:
    min_share: float = 0.5  # an old code matches a new one holding at least this share of its units
    min_overlap: float = 0.5  # unchanged file: a unit matches one covering this share of both

    def __post_init__(self) -> None:
        check(0 < self.min_share <= 1 and 0 < self.min_overlap <= 1, "carry", "shares must be in (0, 1]")


@dataclass(frozen=True)
class Carried:
    decisions: tuple[dict[str, Any], ...]  # rewritten for the new run, in their old order
    codes: dict[str, str]  # old candidate code → new code
    themes: dict[str, str]  # old theme → new theme
    units: dict[str, str]  # old unit → new unit
    not_carried: tuple[str, ...]  # each decision left behind, and why
    unmatched_codes: tuple[str, ...]  # old codes with decisions that match no new code

    def summary(self) -> dict[str, Any]:
        return {"decisions": len(self.decisions), "not_carried": list(self.not_carried),
                "codes_matched": len(self.codes), "unmatched_codes": list(self.unmatched_codes),
                "units_matched": len(self.units)}


def _text(s: str) -> str:
    return _SPACE.sub(" ", s).strip()


def match_units(old: tuple[dec.Unit, ...], new: tuple[dec.Unit, ...], unchanged: set[str],
                cfg: CarryConfig) -> dict[str, str]:
    """Old unit id → new unit id: the same text in the same file (or, if unique, in a renamed
    file); in a file whose bytes did not change, a unit covering most of the same characters."""
    by_file_text: dict[tuple[str, str], list[str]] = {}
    by_text: dict[str, list[str]] = {}
    for u in new:
        by_file_text.setdefault((u.file, _text(u.text)), []).append(u.segment_id)
        by_text.setdefault(_text(u.text), []).append(u.segment_id)
    spans: dict[str, list[dec.Unit]] = {}
    for u in new:
        spans.setdefault(u.file, []).append(u)
    out: dict[str, str] = {}
    for u in old:
        same = by_file_text.get((u.file, _text(u.text)), []) or by_text.get(_text(u.text), [])
        if len(same) == 1:
            out[u.segment_id] = same[0]
        elif u.file in unchanged:
            best = max(spans.get(u.file, []), default=None, key=lambda v: _overlap(u, v))
            if best is not None and _overlap(u, best) >= cfg.min_overlap:
                out[u.segment_id] = best.segment_id
    return out


def _overlap(a: dec.Unit, b: dec.Unit) -> float:
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(a.end - a.start, b.end - b.start, 1)


def match_codes(old: dec.State, new: dec.State, units: dict[str, str], cfg: CarryConfig) -> dict[str, str]:
    """Old candidate code → the new code holding most of its (matched) units, one to one."""
    olds, news = sorted(old.codes), sorted(new.codes)
    if not olds or not news:
        return {}
    counts = np.zeros((len(olds), len(news)))
    sizes = np.zeros(len(olds))
    col = {c: j for j, c in enumerate(news)}
    for i, code in enumerate(olds):
        members = old.members(code)
        sizes[i] = len(members)
        for u in members:
            target = new.assigned.get(units.get(u, ""), "")
            if target:
                counts[i, col[target]] += 1
    rows, cols = linear_sum_assignment(-counts)
    return {olds[i]: news[j] for i, j in zip(rows, cols)
            if sizes[i] and counts[i, j] >= cfg.min_share * sizes[i]}


def match_themes(old: dec.State, new: dec.State, codes: dict[str, str]) -> dict[str, str]:
    """Old theme → the new theme most of its matched codes went to."""
    votes: dict[str, dict[str, int]] = {}
    for o, n in codes.items():
        tally = votes.setdefault(old.codes[o].theme, {})
        tally[new.codes[n].theme] = tally.get(new.codes[n].theme, 0) + 1
    return {t: max(sorted(v), key=lambda n: v[n]) for t, v in votes.items()}


class _Unmatched(LookupError):
    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class _Ids:
    """Rewrites ids in one decision; unknown ones raise ``_Unmatched`` with the reason."""

    def __init__(self, old: dec.State, codes: dict[str, str], themes: dict[str, str],
                 units: dict[str, str]) -> None:
        self.old, self.codes, self.themes, self.units = old, codes, themes, units
        self.made: set[str] = set()  # codes and themes coders created: their ids stay

    def code(self, ident: str) -> str:
        if ident in self.made or ident == "":
            return ident
        head, dot, tail = ident.partition(".")
        if head in self.codes:
            return self.codes[head] + dot + tail
        label = self.old.codes[head].label if head in self.old.codes else "?"
        raise _Unmatched(f"code {ident} ({label}) matches no code of the new run", head)

    def theme(self, ident: str) -> str:
        if ident in self.made:
            return ident
        if ident in self.themes:
            return self.themes[ident]
        raise _Unmatched(f"theme {ident} matches no theme of the new run")

    def target(self, ident: str) -> str:
        return self.theme(ident) if ident in self.old.themes or ident in self.themes else self.code(ident)

    def unit(self, ident: str) -> str:
        if ident in self.units:
            return self.units[ident]
        raise _Unmatched(f"unit {ident} is not in the new run")


def _rewrite(d: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    """The decision with each id its action's schema names (``dec.SCHEMA``) rewritten for the new
    run; the ids of codes and themes coders created stay as they are."""
    if d["action"] == "merge":
        return _rewrite_merge(d, ids)
    by_name = {"code": ids.code, "theme": ids.theme, "target": ids.target, "unit": ids.unit}
    required, optional = dec.SCHEMA[d["action"]]
    out = dict(d)
    for key, kind in {**required, **optional}.items():
        if key not in d:
            continue
        if kind == "new":
            ids.made.add(d[key])
        elif kind in ("id", "code?"):
            out[key] = by_name[key](d[key])
        elif kind == "parts":
            out[key] = [[ids.units[u] for u in part if u in ids.units] for part in d[key]]
    return out


def _rewrite_merge(d: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    kept = {}
    for c in d["codes"]:
        try:
            kept[c] = ids.code(c)
        except _Unmatched:
            continue
    if len(kept) < 2:
        raise _Unmatched(f"fewer than two of {', '.join(d['codes'])} match codes of the new run")
    return {**d, "codes": list(kept.values()), "into": kept.get(d["into"], next(iter(kept.values())))}


def carry_over(old: dec.State, decisions: list[dict[str, Any]], new: dec.State, unchanged: set[str],
               source: str, cfg: CarryConfig) -> Carried:
    """Rewrite ``decisions`` (made on ``old``'s candidates) for ``new``'s candidates."""
    units = match_units(old.units, new.units, unchanged, cfg)
    codes = match_codes(old, new, units, cfg)
    themes = match_themes(old, new, codes)
    ids = _Ids(old, codes, themes, units)
    carried, left, unmatched = [], [], set()
    for d in decisions:
        try:
            carried.append({**_rewrite(d, ids), "carried_from": source})
        except _Unmatched as exc:
            left.append(f"{d.get('id', '?')} {d['action']} by {d['coder']}: {exc}")
            if exc.code:
                unmatched.add(exc.code)
    return Carried(tuple(carried), codes, themes, units, tuple(left), tuple(sorted(unmatched)))
