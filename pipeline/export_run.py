"""I/O for ``mazmun export``: read a run folder and its coders' decisions, write the codebook and
codings as REFI-QDA (``.qdpx`` project, ``.qdc`` codebook), CSV or JSON (atomically)."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import decisions as dec
from . import refi
from .compare_run import damaged_run, read_run, read_transcripts
from .errors import E_CARRY, E_DECISIONS, E_OUTPUT, E_RUN, MazmunError
from .outputs import to_csv
from .run_folder import EXPORT_FORMATS, write_atomic

FORMATS = EXPORT_FORMATS
DECISIONS = "decisions.jsonl"
_TAIL = 1 << 20  # how far back a cut-off last line is looked for
CODING_COLUMNS = ("file", "speaker", "segment_id", "start", "end", "quote", "theme_id", "theme",
                  "subtheme_id", "subtheme", "code_id", "code", "status", "definition")


def read_units(run: Path) -> tuple[list[dec.Unit], dict[str, str]]:
    """The run's meaning units and the code each was given."""
    with damaged_run(run):
        rows = list(csv.DictReader(io.StringIO((run / "segments.csv").read_text(encoding="utf-8"))))
        units = [dec.Unit(r["segment_id"], r["file"], r["speaker"], int(r["start"]), int(r["end"]), r["text"],
                          r.get("lang", ""))
                 for r in rows]
        return units, {r["segment_id"]: r["code_id"] for r in rows}


class DecisionLog:
    """``RUN/decisions.jsonl``, appended one fsynced line at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[dict[str, Any]]:
        return read_decisions(self.path)

    def append(self, record: dict[str, Any]) -> None:
        line = dec.dump([record]).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                self._drop_partial_line(fd)
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise MazmunError(E_OUTPUT, f"cannot append to {self.path}: {exc.strerror}",
                              "check the run folder's permissions and free disk space") from exc

    @staticmethod
    def _drop_partial_line(fd: int) -> None:
        """A line cut off when a server was killed mid-write is dropped before the next one; a
        whole last line that only lacks its newline (edited by hand) gets one."""
        size = os.fstat(fd).st_size
        if not size or os.pread(fd, 1, size - 1) == b"\n":
            return
        tail = os.pread(fd, min(size, _TAIL), max(0, size - _TAIL))
        try:
            json.loads(tail[tail.rfind(b"\n") + 1:])
            os.write(fd, b"\n")
        except ValueError:
            os.ftruncate(fd, size - len(tail) + tail.rfind(b"\n") + 1)


def read_decisions(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MazmunError(E_DECISIONS, f"cannot read {path}: {exc}", "repair the file: UTF-8, one decision "
                          "per line") from exc
    return dec.read(text, path.name)


def base_state(run: Path) -> dec.State:
    """The run's candidate codebook, before any coder's decision."""
    read_run(run)  # checks it is a run folder
    book_path = run / "codebook.json"
    if not book_path.is_file():
        raise MazmunError(E_RUN, f"{run} has no codebook.json", "analyze the transcripts again")
    units, assigned = read_units(run)
    with damaged_run(run):
        return dec.initial_state(units, assigned, json.loads(book_path.read_text(encoding="utf-8")))


def load_state(run: Path, coder: str | None = None) -> dec.State:
    """The run's codebook with its decisions replayed (only ``coder``'s, when given)."""
    base = base_state(run)
    decisions = [d for d in read_decisions(run / DECISIONS) if coder is None or d["coder"] == coder]
    return dec.apply(base, decisions)


@dataclass(frozen=True)
class Previous:
    """An earlier run whose coders' decisions ``analyze --decisions`` carries over."""

    run: Path
    base: dec.State
    decisions: list[dict[str, Any]]
    inputs: dict[str, Any]  # the run's input files and their hashes


def read_previous(path: Path) -> Previous:
    """``path``: a reviewed run folder, or its decisions.jsonl."""
    run, log = (path, path / DECISIONS) if path.is_dir() else (path.parent, path)
    if not log.is_file():
        raise MazmunError(E_CARRY, f"--decisions {path}: no {log.name} there",
                          "pass a reviewed run folder, or its decisions.jsonl")
    base = base_state(run)
    inputs = json.loads((run / "manifest.json").read_text(encoding="utf-8")).get("inputs", {})
    return Previous(run, base, read_decisions(log), inputs)


def coding_rows(state: dec.State) -> list[dict[str, Any]]:
    """One row per coded unit, in the columns ``mazmun compare`` reads as human coding."""
    rows = []
    for unit in state.units:
        code = state.codes.get(state.assigned[unit.segment_id])
        if code is None:
            continue
        theme = state.themes.get(code.theme)
        rows.append({"file": unit.file, "speaker": unit.speaker, "segment_id": unit.segment_id,
                     "start": unit.start, "end": unit.end, "quote": unit.text,
                     "theme_id": code.theme, "theme": theme.label if theme else "", "subtheme_id": "",
                     "subtheme": "", "code_id": code.id, "code": code.label, "status": code.status,
                     "definition": code.definition})
    return rows


def state_json(state: dec.State) -> str:
    data = {
        "themes": [{"theme_id": t.id, "label": t.label, "definition": t.definition,
                    "code_ids": sorted(c.id for c in state.codes.values() if c.theme == t.id)}
                   for t in sorted(state.themes.values(), key=lambda t: t.id)],
        "codes": [{"code_id": c.id, "label": c.label, "theme_id": c.theme, "status": c.status,
                   "definition": c.definition, "keywords": list(c.keywords), "origin": c.origin,
                   "segment_ids": state.members(c.id)}
                  for c in sorted(state.codes.values(), key=lambda c: c.id)],
        "unassigned": [u.segment_id for u in state.units if not state.assigned[u.segment_id]],
        "problems": list(state.problems),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(run: Path, state: dec.State, fmt: str, transcripts: Path | None,
           positions: str = "characters") -> bytes:
    if fmt == "qdc":
        return refi.qdc(state)
    if fmt == "csv":
        return to_csv(coding_rows(state), CODING_COLUMNS).encode("utf-8")
    if fmt == "json":
        return state_json(state).encode("utf-8")
    manifest, cfg, _, _ = read_run(run)
    documents = read_transcripts(transcripts or Path(manifest.get("input", "")), manifest, cfg)
    return refi.qdpx(state, documents, run.name, utf16=positions == "utf16")


def export_run(run: Path, fmt: str, out: Path, confirmed: bool = False, coder: str | None = None,
               transcripts: Path | None = None, positions: str = "characters") -> dec.State:
    """Write the run's codes (all candidates, or only what coders confirmed) to ``out``;
    ``positions``: how a .qdpx counts them, "characters" (REFI-QDA) or "utf16" (NVivo)."""
    state = load_state(run, coder)
    if confirmed:
        state = state.confirmed()
    write_atomic(out, render(run, state, fmt, transcripts, positions), exported)
    return state


def exported(path: Path) -> bool:
    """Whether ``path`` was written by ``mazmun export`` (so a new export may replace it)."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive, archive.open("project.qde") as qde:
                head = qde.read(4096)
        else:
            with path.open("rb") as handle:
                head = handle.read(4096)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return (b'origin="mazmun"' in head or head.startswith(",".join(CODING_COLUMNS).encode())
            or head.startswith(b'{\n  "themes": ['))
