"""Human coding read from the coders' files: a coding table (CSV), a REFI-QDA project (.qdpx)
from a QDA program, or a reviewed run's decisions (its folder or its decisions.jsonl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.errors import E_CODING, MazmunError
from pipeline.evaluate.codebooks import human_codes
from pipeline.exchange.refi import read_project, read_qdc
from pipeline.runs.decision_log import DECISIONS
from pipeline.runs.folder import read_previous
from pipeline.stages.suggest import Coding
from pipeline.text.coding import CodedQuote, parse_coding
from pipeline.text.encoding import DecodeError, decode
from pipeline.types import HUMAN

FORMATS = ("a coding table (.csv), a QDA project (.qdpx), a codebook (.qdc), or a reviewed run (its folder "
           "or decisions.jsonl)")


def read_coding(path: Path) -> tuple[list[CodedQuote], dict[str, Any]]:
    """Human coding from a CSV table, or from a REFI-QDA project (.qdpx) exported by a QDA
    program; and, for a project, how its positions were counted and the sources not read."""
    data = _read(path)
    if path.suffix.lower() == ".qdpx":
        project = read_project(data, path.name)
        return project.rows, {"positions": project.counting, "unread_sources": project.unread}
    try:
        text, _ = decode(data)
    except DecodeError as exc:
        raise MazmunError(E_CODING, f"coding table {path}: {exc}", "save it as UTF-8 CSV") from exc
    return parse_coding(text, path.name), {}


def reviewed_coding(path: Path) -> Coding:
    """The coding a reviewed run's decisions make: each unit of an accepted code is coded with
    that code (under its theme); each unit a coder moved out of every code is uncoded talk, and
    so is the rest of the files the coders coded through (for a run itself analyzed with
    ``--coding``: the files of their coded units)."""
    previous = read_previous(path)
    state = dec.apply(previous.base, previous.decisions)
    run = previous.run
    covered = frozenset(u.file for u, s in zip(run.units, run.suggestions) if s.source == HUMAN)
    confirmed = state.confirmed()
    moved_out = {d["unit"] for d in previous.decisions
                 if d.get("action") == "move_unit" and not d.get("code")}
    quotes, uncoded = [], []
    for n, u in enumerate(state.units, start=1):
        code = confirmed.codes.get(confirmed.assigned.get(u.segment_id, ""))
        if code is not None:
            theme = confirmed.themes[code.theme].label if code.theme in confirmed.themes else ""
            quotes.append(CodedQuote(n, u.file, u.speaker, u.segment_id, u.text,
                                     {"theme": theme, "subtheme": "", "code": code.label}, u.start, u.end))
        elif u.segment_id in moved_out and not state.assigned.get(u.segment_id):
            uncoded.append((u.file, u.start, u.end))
    if not quotes:
        raise MazmunError(E_CODING, f"{path}: the review has accepted no code yet",
                          "accept the codes you agree with on the review page, then analyze again")
    return Coding(str(path), tuple(quotes), covered=covered, uncoded=tuple(uncoded))


def read_teaching(path: Path) -> Coding:
    """``analyze --coding PATH``: whatever human coding ``path`` holds, as suggestions learn it."""
    if path.is_dir() or path.name == DECISIONS:
        return reviewed_coding(path)
    if not path.is_file():
        raise MazmunError(E_CODING, f"--coding {path}: no such file", f"pass {FORMATS}")
    if path.suffix.lower() == ".qdc":
        return codebook_coding(path, read_qdc(_read(path), path.name))
    if path.suffix.lower() == ".qdpx":
        project = read_project(_read(path), path.name)
        if not project.rows:  # a project holding a codebook and no coding
            return codebook_coding(path, project.codes)
        return Coding(str(path), tuple(project.rows))
    quotes, _ = read_coding(path)
    if not quotes:
        raise MazmunError(E_CODING, f"{path} codes no quote", "code a few files, then pass their coding")
    return Coding(str(path), tuple(quotes))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MazmunError(E_CODING, f"cannot read {path}: {exc.strerror}", f"pass {FORMATS}") from exc


def codebook_coding(path: Path, paths: dict[str, tuple[tuple[str, ...], str]]) -> Coding:
    """A codebook's codes as teaching: each code's name and description (an example quote in it
    helps most), under its theme (the top-level code)."""
    codes = human_codes(paths)
    if not codes:
        raise MazmunError(E_CODING, f"{path} holds no codes", "export the codebook again, or pass a coding")
    return Coding(str(path), (), examples=tuple((c.label, c.theme or c.label, c.text()) for c in codes))
