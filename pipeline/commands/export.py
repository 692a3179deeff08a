"""I/O for ``mazmun export``: read a run folder and its coders' decisions, write the codebook and
codings as REFI-QDA (``.qdpx`` project, ``.qdc`` codebook), CSV or JSON (atomically)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.decisions.suggested import decided_units, queue
from pipeline.exchange import write
from pipeline.runs.files import EXPORT_FORMATS, check_destination, write_atomic
from pipeline.runs.folder import RunFolder
from pipeline.runs.tables import to_csv

FORMATS = EXPORT_FORMATS
CODING_COLUMNS = ("file", "speaker", "segment_id", "start", "end", "quote", "theme_id", "theme",
                  "subtheme_id", "subtheme", "code_id", "code", "status", "definition")


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


def render(run: RunFolder, state: dec.State, fmt: str, transcripts: Path | None,
           positions: str = "characters", decided: frozenset[str] = frozenset()) -> bytes:
    if fmt == "qdc":
        return write.qdc(state)
    if fmt == "csv":
        return to_csv(coding_rows(state), CODING_COLUMNS).encode("utf-8")
    if fmt == "json":
        return state_json(state).encode("utf-8")
    documents = run.transcripts(transcripts)
    units = {u.segment_id: u for u in state.units}
    suggested = tuple(write.SuggestedCoding(units[s["unit"]], s["code"], tuple(s["span"]))
                      for s in queue(state, run.suggestions, set(decided)))
    return write.qdpx(state, documents, run.path.name, utf16=positions == "utf16", suggested=suggested)


def export_run(run: Path, fmt: str, out: Path, confirmed: bool = False, coder: str | None = None,
               transcripts: Path | None = None, positions: str = "characters") -> dec.State:
    """Write the run's codes (all candidates, or only what coders confirmed) to ``out``;
    ``positions``: how a .qdpx counts them, "characters" (REFI-QDA) or "utf16" (NVivo)."""
    check_destination(out, exported)
    folder = RunFolder.read(run)
    state = folder.state(coder)
    if confirmed:
        state = state.confirmed()
    decided = decided_units(folder.decisions(coder))
    write_atomic(out, render(folder, state, fmt, transcripts, positions, frozenset(decided)), exported)
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
