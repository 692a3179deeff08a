"""``mazmun analyze``: read a transcript folder, run the stages (``pipeline.flow``), write the run
folder atomically (to a temporary folder, renamed into place at the end); with ``--decisions``,
carry a reviewed run's coders' decisions over to the new codes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.decisions.carry import Carried, carry_over
from pipeline.decisions.suggested import with_coders_codes
from pipeline.errors import E_CARRY, MazmunError
from pipeline.flow import Clock, models_for, run_stages
from pipeline.models.cache import embedding_cache
from pipeline.run_config import Config
from pipeline.runs import render
from pipeline.runs.coding import read_teaching
from pipeline.runs.decision_log import DECISIONS
from pipeline.runs.files import check_output, write_run
from pipeline.runs.folder import Previous, read_previous
from pipeline.runs.sources import read_sources
from pipeline.stages.codebook import Codebook
from pipeline.stages.suggest import Suggestion
from pipeline.types import Corpus, Segmentation


@dataclass
class RunResult:
    corpus: Corpus
    segmentation: Segmentation
    codebook: Codebook
    manifest: dict[str, Any]


def carry(previous: Previous, corpus: Corpus, seg: Segmentation, book: Codebook, codebook_json: bytes,
          cfg: Config, suggestions: tuple[Suggestion, ...] = ()) -> Carried:
    """Coders' decisions on ``previous`` rewritten for this run (whose coders' codes, with
    ``--coding``, hold the units of ``suggestions`` they coded, as in the review page's state)."""
    units = [dec.Unit(s.segment_id, s.file, s.speaker, s.start, s.end, s.text, s.lang) for s in seg.segments]
    assigned = {s.segment_id: a.code_id for s, a in zip(seg.segments, book.assignments)}
    new = with_coders_codes(dec.initial_state(units, assigned, json.loads(codebook_json)), suggestions)
    hashes = {d.name: d.sha256 for d in corpus.documents}
    unchanged = {n for n, info in previous.run.inputs.items() if hashes.get(n) == info.get("sha256")}
    return carry_over(previous.base, previous.decisions, new, unchanged, str(previous.run.path), cfg.carry)


def previous_run(path: Path | None, out: Path) -> Previous | None:
    """The run whose decisions are carried over; a reviewed ``out`` is never overwritten unless
    its own decisions are the ones carried."""
    previous = read_previous(path) if path is not None else None
    if (out / DECISIONS).is_file() and (previous is None or previous.run.path.resolve() != out.resolve()):
        raise MazmunError(E_CARRY, f"{out} holds coders' decisions (decisions.jsonl)",
                          f"carry them over with --decisions {out}, or choose another --out")
    return previous


def analyze(folder: Path, cfg: Config, out: Path, log: bool = True,
            decisions: Path | None = None, coding: Path | None = None) -> RunResult:
    """Run the whole pipeline on ``folder`` and write the run folder ``out``; with ``decisions``
    (a reviewed run or its decisions.jsonl), carry the coders' decisions over to the new codes;
    with ``coding`` (their coding of some files, or a reviewed run), suggest their codes for the
    rest."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    previous = previous_run(decisions, out)
    teaching = read_teaching(coding) if coding is not None else None
    check_output(out, folder)
    clock = Clock()
    with clock.stage("read", log) as rec:
        sources = read_sources(folder, cfg.ingest)
        rec.update(files=len(sources), bytes=sum(len(s.data) for s in sources))
    with embedding_cache(cfg.embed.cache_dir, cfg.embed.cache) as cache:
        done = run_stages(sources, cfg, models_for(cfg, cache), clock, log, teaching)
    corpus, seg, book = done.corpus, done.segmentation, done.codebook
    manifest = render.manifest(done, cfg, folder, started, clock.stages)
    files = render.files(done, cfg, folder.name, manifest)
    if previous is not None:
        carried = carry(previous, corpus, seg, book, files["codebook.json"], cfg, done.suggested.suggestions)
        manifest["carried"] = {"from": str(previous.run.path), **carried.summary()}
        files["decisions.jsonl"] = dec.dump(carried.decisions).encode("utf-8")
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_run(out, files)
    return RunResult(corpus, seg, book, manifest)
