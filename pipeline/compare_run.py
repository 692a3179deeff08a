"""I/O for ``mazmun compare``: read a run folder, its transcripts and a human coding table; write
comparison.json, comparison.md and comparison.png into the run folder (each file atomically)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from .coding import CodedQuote, parse_coding
from .compare import AutoSpan, CompareConfig, compare
from .compare_report import render_heatmap, render_markdown
from .encoding import DecodeError, decode
from .errors import E_CODING, E_RUN, E_TRANSCRIPTS, MazmunError
from .ingest import ingest
from .refi import read_project
from .run_folder import write_atomic
from .runner import read_sources
from .settings import Config, from_mapping
from .types import Document


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MazmunError(E_RUN, f"cannot read {path}: {exc}",
                          "pass a run folder written by 'mazmun analyze'") from exc


@contextmanager
def damaged_run(run: Path) -> Iterator[None]:
    """A run folder's file that cannot be parsed is one coded line (E502), not a traceback."""
    import yaml

    try:
        yield
    except (OSError, ValueError, KeyError, TypeError, AttributeError, csv.Error, yaml.YAMLError) as exc:
        first = (str(exc).splitlines() or [""])[0][:120]
        raise MazmunError(E_RUN, f"run folder {run} is damaged ({type(exc).__name__}: {first})",
                          "analyze the transcripts again into a new folder") from exc


def read_run(run: Path) -> tuple[dict[str, Any], Config, list[AutoSpan], dict[str, str]]:
    """(manifest, the run's config, its segments, labels of its codes and themes)."""
    if not all((run / name).is_file() for name in ("manifest.json", "segments.csv", "config.yaml")):
        raise MazmunError(E_RUN, f"{run} is not a mazmun run folder (no manifest.json, segments.csv "
                          "or config.yaml)",
                          "pass the folder printed by 'make analyze', e.g. runs/sample-…")
    import yaml

    with damaged_run(run):
        manifest = _read_json(run / "manifest.json")
        cfg = from_mapping(yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8")) or {})
        rows = csv.DictReader(io.StringIO((run / "segments.csv").read_text(encoding="utf-8")))
        spans = [AutoSpan(r["segment_id"], r["file"], int(r["start"]), int(r["end"]), r["code_id"],
                          r["theme_id"]) for r in rows]
        book = _read_json(run / "codebook.json") if (run / "codebook.json").is_file() else {}
        names = {e["code_id"]: e["label"] for e in book.get("codes", [])}
        names.update({e["theme_id"]: e["label"] for e in book.get("themes", [])})
    return manifest, cfg, spans, names


def read_transcripts(folder: Path, manifest: dict[str, Any], cfg: Config) -> list[Document]:
    """The run's transcripts, re-read and checked against the hashes the run recorded."""
    if not folder.is_dir():
        raise MazmunError(E_TRANSCRIPTS, f"transcript folder {folder} not found",
                          "pass the folder the run analyzed: make compare … TRANSCRIPTS=path")
    documents = ingest(read_sources(folder, cfg.ingest), cfg.ingest).documents
    recorded = manifest.get("inputs", {})
    by_name = {d.name: d for d in documents}
    for name, info in recorded.items():
        doc = by_name.get(name)
        if doc is None or doc.sha256 != info.get("sha256"):
            state = "is missing" if doc is None else "changed since the run"
            raise MazmunError(E_TRANSCRIPTS, f"transcript {name} in {folder} {state}",
                              "compare against the transcripts the run analyzed, or analyze again")
    return [by_name[n] for n in sorted(recorded)]


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


HUMAN_COLUMNS = ("file", "start", "end", "found", "quote", "theme", "subtheme", "code")


def human_coding_csv(quotes: list[CodedQuote], texts: dict[str, str]) -> str:
    """What was read from the human coding, a row per coded quote, with where it was found in
    the run's transcripts (``found``: exact, normalized, offsets, or "not found"), so that the
    import can be checked line by line."""
    from .coding import locate_all
    from .outputs import to_csv

    located, _ = locate_all(quotes, texts)
    where = {id(x.quote): x for x in located}
    rows = []
    for q in quotes:
        hit = where.get(id(q))
        rows.append({"file": q.file, "start": hit.start if hit else "", "end": hit.end if hit else "",
                     "found": hit.how if hit else "not found", "quote": q.quote,
                     **{level: q.labels.get(level, "") for level in ("theme", "subtheme", "code")}})
    return to_csv(rows, HUMAN_COLUMNS)


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
    manifest, run_cfg, spans, names = read_run(run)
    folder = transcripts or Path(manifest.get("input", ""))
    documents = read_transcripts(folder, manifest, run_cfg)
    read, project = read_coding(coding)
    quotes = _match_files(read, {d.name for d in documents})
    unknown = sorted({q.file for q in quotes} - {d.name for d in documents})
    if unknown:
        raise MazmunError(E_CODING, f"{coding.name} codes {unknown[0]}, which the run did not analyze",
                          "check the file column, or analyze the folder that holds that file")
    texts = {d.name: d.text for d in documents}
    write_atomic(run / "human_coding.csv", human_coding_csv(quotes, texts).encode("utf-8"))
    result = compare(documents, spans, quotes, cfg)
    result = {"run": str(run), "coding": str(coding), "transcripts": str(folder), **project, **result}
    title = f"{run.name}: human {cfg.level} × automatic {cfg.auto_level} (share of characters)"
    matrix = dict(result["matrix"])
    matrix["columns"] = [f"{c} {names.get(c, '')}".strip()[:30] for c in matrix["columns"]]
    data = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_atomic(run / "comparison.json", data.encode("utf-8"))
    write_atomic(run / "comparison.md", render_markdown(result, run.name, coding.name, names).encode("utf-8"))
    write_atomic(run / "comparison.png", render_heatmap(matrix, title))
    return result
