"""What the review page shows and what a coder's action becomes (pure functions).

``commands/review`` (the page's server) does the I/O: it replays ``RUN/decisions.jsonl`` into a
``State``, asks this module for the page's data (``view``), checks a coder's action
(``decision``) and appends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.config import check
from pipeline.decisions import log as dec
from pipeline.errors import E_DECISIONS, MazmunError
from pipeline.types import Document

MAX_SPLIT = 8
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ReviewConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    context_turns: int = 1  # turns shown before and after a quote's own turn
    split_seed: int = 0

    def __post_init__(self) -> None:
        check(self.host in LOOPBACK, "review.host",
              "must be a loopback address (127.0.0.1): transcripts are confidential")
        check(0 <= self.port <= 65535, "review.port", "must be 0–65535 (0: any free port)")
        check(self.context_turns >= 0, "review.context_turns", "must be ≥ 0")


def _code_view(state: dec.State, code: dec.Code, units: dict[str, dec.Unit]) -> dict[str, Any]:
    members = state.members(code.id)
    return {"id": code.id, "label": code.label, "theme": code.theme, "status": code.status,
            "definition": code.definition, "keywords": list(code.keywords), "origin": code.origin,
            "size": len(members), "units": members,
            "participants": len({(units[u].file, units[u].speaker) for u in members})}


def view(state: dec.State, run: str, coder: str, coders: list[str]) -> dict[str, Any]:
    """Everything the page draws: themes with their codes, codes with their units, the units'
    verbatim text (``raw[start:end]`` as the run wrote it), and the unassigned units."""
    units = {u.segment_id: u for u in state.units}
    codes = sorted(state.codes.values(), key=lambda c: _natural(c.id))
    return {
        "run": run, "coder": coder, "coders": coders,
        "themes": [{"id": t.id, "label": t.label, "definition": t.definition,
                    "codes": [c.id for c in codes if c.theme == t.id]}
                   for t in sorted(state.themes.values(), key=lambda t: _natural(t.id))],
        "codes": [_code_view(state, c, units) for c in codes],
        "units": {u.segment_id: {"file": u.file, "speaker": u.speaker, "lang": u.lang,
                                 "start": u.start, "end": u.end, "text": u.text} for u in state.units},
        "unassigned": [u.segment_id for u in state.units if not state.assigned[u.segment_id]],
        "problems": list(state.problems),
    }


def _natural(ident: str) -> tuple:
    """C2 before C10; T1 before N1 (coder-made themes last)."""
    parts = ident.replace(".", " ").split()
    head = parts[0] if parts else ""
    digits = "".join(ch for ch in head if ch.isdigit())
    return (head.rstrip("0123456789"), int(digits or 0), *(int(p) for p in parts[1:] if p.isdigit()))


def fresh_id(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def decision(body: dict[str, Any], state: dec.State, coder: str, ident: str, at: str) -> dict[str, Any]:
    """A coder's action as a decisions.jsonl record, checked against the coder's current state:
    an action that would not apply (a code merged away in another tab, say) is refused."""
    action = body.get("action")
    if action == "create_theme" and not body.get("theme"):
        body = {**body, "theme": fresh_id("N", set(state.themes))}
    if action == "create_code" and not body.get("code"):
        body = {**body, "code": fresh_id("N", set(state.codes))}
    record: dict[str, Any] = {"id": ident, "at": at, "coder": coder, "action": action}
    if isinstance(action, str) and action in dec.SCHEMA:
        required, optional = dec.SCHEMA[action]
        record.update({key: body[key] for key in (*required, *optional) if key in body})
    dec.check(record, "the page's request")
    _check_values(record)
    after = dec.apply(state, [record])
    if len(after.problems) > len(state.problems):
        raise MazmunError(E_DECISIONS, f"{action} does not apply: {after.problems[-1].split(': ', 1)[-1]}",
                          "reload the page: another tab or coder changed this code")
    return record


def _check_values(record: dict[str, Any]) -> None:
    if record["action"] in ("rename", "create_theme", "create_code") and not record["label"].strip():
        raise MazmunError(E_DECISIONS, "a name cannot be empty", "type a name")
    codes = record.get("codes", [])
    if record["action"] == "merge" and (len(set(codes)) < 2 or record["into"] not in codes):
        raise MazmunError(E_DECISIONS, "merge needs two or more codes, 'into' among them",
                          "choose the codes to merge")


def split_parts(unit_ids: list[str], vectors: np.ndarray, k: int, seed: int = 0) -> list[list[str]]:
    """Re-cluster one code's units into ``k`` parts (k-means on their embeddings), biggest first."""
    from sklearn.cluster import KMeans

    if not 2 <= k <= min(MAX_SPLIT, len(unit_ids)):
        raise MazmunError(E_DECISIONS, f"cannot split {len(unit_ids)} units into {k} parts",
                          f"choose k from 2 to {min(MAX_SPLIT, len(unit_ids))}")
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)
    parts = [[u for u, label in zip(unit_ids, labels) if label == j] for j in range(k)]
    return sorted((p for p in parts if p), key=len, reverse=True)


def context(doc: Document | None, unit: dec.Unit, around: int) -> list[dict[str, Any]]:
    """The turn that holds ``unit`` and ``around`` turns either side, verbatim, with the unit's
    place in its turn (offsets relative to the turn's text); the unit alone without ``doc``."""
    turns = doc.turns if doc else ()
    here = next((i for i, t in enumerate(turns) if t.start <= unit.start < max(t.end, t.start + 1)), None)
    if doc is None or here is None:
        return [{"speaker": unit.speaker, "role": "", "text": unit.text, "mark": [0, len(unit.text)]}]
    out = []
    for t in turns[max(0, here - around):here + around + 1]:
        mark = [unit.start - t.start, unit.end - t.start] if t is turns[here] else None
        out.append({"speaker": t.speaker, "role": t.role, "text": doc.text[t.start:t.end], "mark": mark})
    return out


def differences(mine: dec.State, theirs: dec.State) -> dict[str, Any]:
    """Where two coders' confirmed states differ: units given different codes (compared by the
    codes' names, since each coder may rename), and codes one accepted or kept and the other not."""
    units = []
    for u in mine.units:
        a, b = _code_of(mine, u.segment_id), _code_of(theirs, u.segment_id)
        if _name(a).casefold() != _name(b).casefold():
            units.append({"unit": u.segment_id, "mine": f"{a.id} {a.label}" if a else "",
                          "theirs": f"{b.id} {b.label}" if b else ""})
    codes = []
    for code_id in sorted(set(mine.codes) | set(theirs.codes), key=_natural):
        a, b = mine.codes.get(code_id), theirs.codes.get(code_id)
        if _status(a) != _status(b) or _name(a) != _name(b):
            codes.append({"code": code_id, "mine": _status(a), "theirs": _status(b),
                          "mine_label": _name(a), "theirs_label": _name(b)})
    total = len(mine.units)
    return {"units": units, "codes": codes, "agreement": round(1 - len(units) / total, 3) if total else 1.0}


def _code_of(state: dec.State, unit: str) -> dec.Code | None:
    return state.codes.get(state.assigned.get(unit, ""))


def _name(code: dec.Code | None) -> str:
    return code.label.strip() if code else ""


def _status(code: dec.Code | None) -> str:
    return code.status if code else "absent"
