"""Coders' decisions on a run's candidate codes, and the confirmed codebook they lead to.

A decision is one JSON object per line of ``RUN/decisions.jsonl``, appended as the coder acts:
``{"id", "at", "coder", "action", ...}``. Replaying the decisions over the run's candidate
codebook (``initial_state``) gives the confirmed state (``apply``). Pure functions: the review
server and ``mazmun export`` do the reading and writing.

Actions and their fields:
    accept      code                          the code is confirmed
    reject      code                          its units become unassigned
    rename      target (code or theme), label
    define      target, definition            inclusion / exclusion note
    merge       codes (2+), into (one of them), label (optional)
    split       code, parts (lists of unit ids); the parts become codes CODE.1, CODE.2, …;
                the code's units in no part (added by a later run) stay in CODE
    move_code   code, theme
    create_theme theme, label
    create_code code, label, theme, definition (optional)   an empty code, e.g. from a .qdc
    move_unit   unit, code ("" = uncoded)     also assigns an unassigned unit
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.errors import E_DECISIONS, MazmunError

ACCEPTED = "accepted"
CANDIDATE = "candidate"

MAX_ID = 200  # characters of a code, theme or unit id
MAX_TEXT = 20_000  # characters of a label, definition or coder name


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID


def _is_ids(value: Any) -> bool:
    return isinstance(value, list) and all(_is_id(v) for v in value)


# Each field's check and what it should be, for the message.
KINDS: dict[str, tuple[Any, str]] = {
    "id": (_is_id, "an id (text)"),
    "new": (_is_id, "an id (text)"),  # the id of the code or theme a coder creates
    "code?": (lambda v: v == "" or _is_id(v), "a code id, or \"\" for none"),
    "text": (lambda v: isinstance(v, str) and len(v) <= MAX_TEXT, f"text of at most {MAX_TEXT} characters"),
    "ids": (lambda v: _is_ids(v) and len(v) >= 2, "a list of two or more ids"),
    "parts": (lambda v: isinstance(v, list) and all(_is_ids(p) for p in v), "a list of lists of unit ids"),
}
# Every action's fields (required, optional) and their kinds: the one schema that the review
# server, the replay, carry-over and export all check against.
SCHEMA: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "accept": ({"code": "id"}, {}),
    "reject": ({"code": "id"}, {}),
    "rename": ({"target": "id", "label": "text"}, {}),
    "define": ({"target": "id", "definition": "text"}, {}),
    "merge": ({"codes": "ids", "into": "id"}, {"label": "text"}),
    "split": ({"code": "id", "parts": "parts"}, {}),
    "move_code": ({"code": "id", "theme": "id"}, {}),
    "create_theme": ({"theme": "new", "label": "text"}, {}),
    "create_code": ({"code": "new", "label": "text", "theme": "id"},
                    {"definition": "text", "origin": "text"}),
    "move_unit": ({"unit": "id", "code": "code?"}, {}),
}
COMMON = {"coder": "id", "action": "id"}  # required in every decision
RECORD = {"id": "id", "at": "text", "carried_from": "text"}  # written by mazmun


@dataclass(frozen=True)
class Unit:
    """A meaning unit as the run wrote it; ``text`` is the raw ``file[start:end]``."""

    segment_id: str
    file: str
    speaker: str
    start: int
    end: int
    text: str
    lang: str = ""


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    theme: str
    status: str = CANDIDATE
    definition: str = ""
    keywords: tuple[str, ...] = ()
    origin: str = ""  # the candidate code(s) it came from


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class State:
    """Themes and codes by id, and each unit's code ("" when unassigned), in unit order."""

    units: tuple[Unit, ...]
    themes: dict[str, Theme]
    codes: dict[str, Code]
    assigned: dict[str, str]
    problems: tuple[str, ...] = field(default_factory=tuple)

    def members(self, code_id: str) -> list[str]:
        return [u.segment_id for u in self.units if self.assigned[u.segment_id] == code_id]

    def confirmed(self) -> State:
        """Only accepted codes, their themes, and their units."""
        codes = {k: c for k, c in self.codes.items() if c.status == ACCEPTED}
        themes = {k: t for k, t in self.themes.items() if any(c.theme == k for c in codes.values())}
        assigned = {u: c if c in codes else "" for u, c in self.assigned.items()}
        return replace(self, themes=themes, codes=codes, assigned=assigned)


def initial_state(units: list[Unit], assigned: dict[str, str], book: dict[str, Any]) -> State:
    """The candidate codebook of a run (``codebook.json`` as a mapping) before any decision."""
    themes = {t["theme_id"]: Theme(t["theme_id"], t["label"]) for t in book.get("themes", [])}
    codes = {c["code_id"]: Code(c["code_id"], c["label"], c["theme_id"], keywords=tuple(c["keywords"]),
                                origin=c["code_id"]) for c in book.get("codes", [])}
    return State(tuple(units), themes, codes, {u.segment_id: assigned.get(u.segment_id, "") for u in units})


def parse(line: str, where: str) -> dict[str, Any]:
    """One line of decisions.jsonl, checked for the fields its action needs."""
    try:
        decision = json.loads(line)
    except ValueError as exc:
        why = getattr(exc, "msg", str(exc)[:80])  # a number too long to convert is a ValueError too
        raise MazmunError(E_DECISIONS, f"{where}: not a JSON object ({why})",
                          "remove or repair the line; each line is one decision") from exc
    if not isinstance(decision, dict):
        raise MazmunError(E_DECISIONS, f"{where}: not a JSON object", "each line is one decision")
    check(decision, where)
    return decision


def check(decision: dict[str, Any], where: str) -> None:
    """Raise E504 unless ``decision`` fits its action's schema: every field it needs, each of
    the right kind, and no field the action does not know."""
    action = decision.get("action")
    if not isinstance(action, str) or action not in SCHEMA:
        raise MazmunError(E_DECISIONS, f"{where}: unknown action {str(action)[:40]!r}",
                          f"use one of {', '.join(SCHEMA)}")
    required, optional = SCHEMA[action]
    missing = [f for f in (*COMMON, *required) if f not in decision]
    if missing:
        raise MazmunError(E_DECISIONS, f"{where}: {action} needs {', '.join(missing)}",
                          "see pipeline/decisions/log.py for each action's fields")
    kinds = {**COMMON, **RECORD, **required, **optional}
    for key, value in decision.items():
        if key not in kinds:
            raise MazmunError(E_DECISIONS, f"{where}: {action} has no field {str(key)[:40]!r}",
                              f"its fields are {', '.join(kinds)}")
        ok, what = KINDS[kinds[key]]
        if not ok(value):
            raise MazmunError(E_DECISIONS, f"{where}: {action}'s {key} must be {what}, "
                              f"got {type(value).__name__}", "repair or remove the line")


def read(text: str, source: str) -> list[dict[str, Any]]:
    """Every decision in a decisions.jsonl text; blank lines are skipped. A last line cut off
    mid-write (the server killed while appending) is ignored, not an error."""
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if n == len(lines) and not text.endswith("\n"):
            try:
                json.loads(line)
            except ValueError:
                break
        out.append(parse(line, f"{source} line {n}"))
    return out


def dump(decisions: Iterable[dict[str, Any]]) -> str:
    """Decisions as decisions.jsonl lines (what ``read`` reads)."""
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions)


def apply(state: State, decisions: list[dict[str, Any]]) -> State:
    """Replay ``decisions`` in order. A decision that no longer fits (its code was merged away,
    say) is skipped and listed in ``problems``."""
    problems = list(state.problems)
    for d in decisions:
        try:
            state = _ACTIONS[d["action"]](state, d)
        except _Stale as exc:
            problems.append(f"{d.get('id', '?')} {d['action']} by {d.get('coder', '?')}: {exc}")
    return replace(state, problems=tuple(problems))


class _Stale(Exception):
    pass


def _code(state: State, code_id: str) -> Code:
    if code_id not in state.codes:
        raise _Stale(f"no code {code_id}")
    return state.codes[code_id]


def _with_code(state: State, code: Code) -> State:
    return replace(state, codes={**state.codes, code.id: code})


def _accept(state: State, d: dict[str, Any]) -> State:
    return _with_code(state, replace(_code(state, d["code"]), status=ACCEPTED))


def _reject(state: State, d: dict[str, Any]) -> State:
    _code(state, d["code"])
    codes = {k: c for k, c in state.codes.items() if k != d["code"]}
    assigned = {u: "" if c == d["code"] else c for u, c in state.assigned.items()}
    return replace(state, codes=codes, assigned=assigned)


def _set_text(state: State, d: dict[str, Any], key: str) -> State:
    target = d["target"]
    fields: dict[str, Any] = {key: str(d[key])}  # label or definition: a text field
    if target in state.themes:
        return replace(state, themes={**state.themes, target: replace(state.themes[target], **fields)})
    return _with_code(state, replace(_code(state, target), **fields))


def _merge(state: State, d: dict[str, Any]) -> State:
    into, others = d["into"], [c for c in d["codes"] if c != d["into"]]
    kept = _code(state, into)
    origins = [kept.origin] + [_code(state, c).origin for c in others]
    kept = replace(kept, label=str(d.get("label") or kept.label), origin=" + ".join(o for o in origins if o))
    codes = {k: c for k, c in state.codes.items() if k not in others}
    codes[into] = kept
    assigned = {u: into if c in others else c for u, c in state.assigned.items()}
    return replace(state, codes=codes, assigned=assigned)


def _split(state: State, d: dict[str, Any]) -> State:
    old = _code(state, d["code"])
    members = set(state.members(old.id))
    parts = [[u for u in part if u in members] for part in d["parts"]]
    if sum(1 for p in parts if p) < 2:
        raise _Stale(f"fewer than two parts of {old.id} are still its units")
    left = members.difference(*map(set, parts))
    codes = {k: c for k, c in state.codes.items() if k != old.id or left}
    assigned = dict(state.assigned)
    for i, part in enumerate(parts, start=1):
        new = f"{old.id}.{i}"
        if part:
            codes[new] = replace(old, id=new, label=f"{old.label} ({i})", status=CANDIDATE)
            assigned.update({u: new for u in part})
    return replace(state, codes=codes, assigned=assigned)


def _move_code(state: State, d: dict[str, Any]) -> State:
    if d["theme"] not in state.themes:
        raise _Stale(f"no theme {d['theme']}")
    return _with_code(state, replace(_code(state, d["code"]), theme=d["theme"]))


def _create_theme(state: State, d: dict[str, Any]) -> State:
    if d["theme"] in state.themes:
        raise _Stale(f"theme {d['theme']} exists")
    return replace(state, themes={**state.themes, d["theme"]: Theme(d["theme"], str(d["label"]))})


def _create_code(state: State, d: dict[str, Any]) -> State:
    if d["code"] in state.codes:
        raise _Stale(f"code {d['code']} exists")
    if d["theme"] not in state.themes:
        raise _Stale(f"no theme {d['theme']}")
    code = Code(d["code"], str(d["label"]), d["theme"], definition=str(d.get("definition", "")),
                origin=str(d.get("origin", "")))
    return _with_code(state, code)


def _move_unit(state: State, d: dict[str, Any]) -> State:
    if d["unit"] not in state.assigned:
        raise _Stale(f"no unit {d['unit']}")
    if d["code"]:
        _code(state, d["code"])
    return replace(state, assigned={**state.assigned, d["unit"]: d["code"]})


_ACTIONS = {
    "accept": _accept,
    "reject": _reject,
    "rename": lambda s, d: _set_text(s, d, "label"),
    "define": lambda s, d: _set_text(s, d, "definition"),
    "merge": _merge,
    "split": _split,
    "move_code": _move_code,
    "create_theme": _create_theme,
    "create_code": _create_code,
    "move_unit": _move_unit,
}
