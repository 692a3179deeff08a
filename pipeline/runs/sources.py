"""Reading transcripts from disk: an input folder for ``analyze``, and a run's own transcripts
again (checked against the hashes the run recorded) for compare, export and review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import (
    E_INPUT_EMPTY,
    E_INPUT_MISSING,
    E_INPUT_UNSUPPORTED,
    E_TRANSCRIPTS,
    MazmunError,
)
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.types import Document, SourceFile


def read_sources(folder: Path, cfg: IngestConfig) -> list[SourceFile]:
    """Every file under ``folder`` (recursively); errors a user can fix are raised here. Files of
    an unsupported type, over ``ingest.max_file_mb`` or unreadable are listed but not read."""
    if not folder.exists():
        raise MazmunError(E_INPUT_MISSING, f"input folder {folder} does not exist",
                          "pass a folder of transcripts, e.g. make analyze IN=data/sample")
    if not folder.is_dir():
        raise MazmunError(E_INPUT_MISSING, f"{folder} is a file, not a folder",
                          "pass the folder that holds the transcripts")
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    if not paths:
        raise MazmunError(E_INPUT_EMPTY, f"input folder {folder} is empty",
                          "put transcripts (.txt .md .docx .odt .pdf .vtt .srt .csv) in it")
    if not any(p.suffix.lower() in cfg.extensions for p in paths):
        raise MazmunError(E_INPUT_UNSUPPORTED, f"no supported transcripts in {folder}",
                          f"supported types: {' '.join(cfg.extensions)}")
    return [_source(p, p.relative_to(folder).as_posix(), cfg) for p in paths]


def _source(path: Path, name: str, cfg: IngestConfig) -> SourceFile:
    if path.suffix.lower() not in cfg.extensions:
        return SourceFile(name, b"")  # ingest skips it by its type
    try:
        size = path.stat().st_size
        if size > cfg.max_file_mb * 1e6:
            return SourceFile(name, b"", f"{size / 1e6:.1f} MB, over ingest.max_file_mb "
                              f"({cfg.max_file_mb:g}); split the file, or raise the limit")
        return SourceFile(name, path.read_bytes())
    except OSError as exc:
        return SourceFile(name, b"", f"cannot be read: {exc.strerror or exc}")


def read_transcripts(folder: Path, manifest: dict[str, Any], cfg: IngestConfig) -> list[Document]:
    """The run's transcripts, re-read and checked against the hashes the run recorded."""
    if not folder.is_dir():
        raise MazmunError(E_TRANSCRIPTS, f"transcript folder {folder} not found",
                          "pass the folder the run analyzed: make compare … TRANSCRIPTS=path")
    documents = ingest(read_sources(folder, cfg), cfg).documents
    recorded = manifest.get("inputs", {})
    by_name = {d.name: d for d in documents}
    for name, info in recorded.items():
        doc = by_name.get(name)
        if doc is None or doc.sha256 != info.get("sha256"):
            state = "is missing" if doc is None else "changed since the run"
            raise MazmunError(E_TRANSCRIPTS, f"transcript {name} in {folder} {state}",
                              "compare against the transcripts the run analyzed, or analyze again")
    return [by_name[n] for n in sorted(recorded)]
