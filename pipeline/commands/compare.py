"""I/O for ``mazmun compare``: read a run folder, its transcripts and a human coding table; write
comparison.json, comparison.md and comparison.png into the run folder (each file atomically)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.errors import E_CODING, MazmunError
from pipeline.evaluate.coding import CodedQuote, parse_coding
from pipeline.evaluate.compare import CompareConfig, compare
from pipeline.evaluate.report import render_heatmap, render_markdown
from pipeline.exchange.refi import read_project
from pipeline.runs.files import check_destination, write_atomic
from pipeline.runs.folder import RunFolder
from pipeline.runs.tables import human_coding_csv
from pipeline.text.encoding import DecodeError, decode

WRITES = ("human_coding.csv", "comparison.json", "comparison.md", "comparison.png")


def read_coding(path: Path) -> tuple[list[CodedQuote], dict[str, Any]]:
    """Human coding from a CSV table, or from a REFI-QDA project (.qdpx) exported by a QDA
    program; and, for a project, how its positions were counted and the sources not read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MazmunError(E_CODING, f"cannot read the coding table {path}: {exc.strerror}",
                          "pass a CSV with columns file, speaker, quote, theme, subtheme, code") from exc
    if path.suffix.lower() == ".qdpx":
        project = read_project(data, path.name)
        return project.rows, {"positions": project.counting, "unread_sources": project.unread}
    try:
        text, _ = decode(data)
    except DecodeError as exc:
        raise MazmunError(E_CODING, f"coding table {path}: {exc}", "save it as UTF-8 CSV") from exc
    return parse_coding(text, path.name), {}


def _match_files(quotes: list[CodedQuote], names: set[str]) -> list[CodedQuote]:
    """QDA programs often name a source without its extension: ``P1`` is the run's ``P1.txt``
    when exactly one analyzed file has that stem."""
    stems: dict[str, list[str]] = {}
    for name in names:
        stems.setdefault(Path(name).stem, []).append(name)
    out = []
    for q in quotes:
        candidates = stems.get(Path(q.file).stem, [])
        if q.file not in names and len(candidates) == 1:
            q = replace(q, file=candidates[0])
        out.append(q)
    return out


def compare_run(run: Path, coding: Path, transcripts: Path | None, cfg: CompareConfig) -> dict[str, Any]:
    """Compare the run with the human coding; write the comparison files; return the result."""
    folder = RunFolder.read(run)
    for name in WRITES:
        check_destination(run / name)
    documents = folder.transcripts(transcripts)
    spans, names = folder.spans(), folder.names
    read, project = read_coding(coding)
    quotes = _match_files(read, {d.name for d in documents})
    unknown = sorted({q.file for q in quotes} - {d.name for d in documents})
    if unknown:
        raise MazmunError(E_CODING, f"{coding.name} codes {unknown[0]}, which the run did not analyze",
                          "check the file column, or analyze the folder that holds that file")
    texts = {d.name: d.text for d in documents}
    write_atomic(run / "human_coding.csv", human_coding_csv(quotes, texts).encode("utf-8"))
    result = compare(documents, spans, quotes, cfg)
    result = {"run": str(run), "coding": str(coding), "transcripts": str(transcripts or folder.input_folder),
              **project, **result}
    title = f"{run.name}: human {cfg.level} × automatic {cfg.auto_level} (share of characters)"
    matrix = dict(result["matrix"])
    matrix["columns"] = [f"{c} {names.get(c, '')}".strip()[:30] for c in matrix["columns"]]
    data = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_atomic(run / "comparison.json", data.encode("utf-8"))
    write_atomic(run / "comparison.md", render_markdown(result, run.name, coding.name, names).encode("utf-8"))
    write_atomic(run / "comparison.png", render_heatmap(matrix, title))
    return result
