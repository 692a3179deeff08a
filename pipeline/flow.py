"""The pipeline, declared once as data: each stage's function, what it reads from and writes to
the run's state, its config sections, the models it is given, and what the manifest records.

The runner (``run_stages``), the manifest's timings, ``bench/speed.py`` and the tests all read
``STAGES``. A stage function is pure: ``run(*reads, *config sections, **models)``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.models import Models
from pipeline.models.cache import EmbeddingCache
from pipeline.models.encoder import Encoder
from pipeline.run_config import Config
from pipeline.stages.cluster import assign_codes, layouts
from pipeline.stages.codebook import Codebook, label_codes
from pipeline.stages.embed import embed
from pipeline.stages.hierarchy import code_themes
from pipeline.stages.ingest import usable_corpus
from pipeline.stages.interviewers import summary
from pipeline.stages.lexical import by_meaning, clustering_space
from pipeline.stages.map import map_units
from pipeline.stages.preprocess import preprocess
from pipeline.stages.relevance import LOW, mark_relevance
from pipeline.stages.segment import segment
from pipeline.stages.stability import Stability, stability
from pipeline.stages.study import Study
from pipeline.stages.suggest import Coding, Suggested, suggest_codes
from pipeline.types import Corpus, Segmentation, SourceFile

State = dict[str, Any]


@dataclass(frozen=True)
class Stage:
    """One stage, as the runner calls it: ``run(*reads, *config, **models)`` → ``writes``."""

    name: str
    run: Callable[..., Any]
    reads: tuple[str, ...]  # names in the run's state, passed in this order
    writes: tuple[str, ...]  # names given to what ``run`` returns (a tuple when several)
    config: tuple[str, ...] = ()  # sections of the run's Config (or "seed"), passed after ``reads``
    models: tuple[str, ...] = ()  # attributes of ``Models``, passed by keyword
    record: Callable[[State, Config], dict[str, Any]] = lambda state, cfg: {}  # the manifest's counts
    says: Callable[[State], list[str]] = lambda state: []  # lines printed after the stage


# Names stages read that are views of another stage's output: name → (that output, the view).
VIEWS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "texts": ("corpus", lambda corpus: corpus.texts),
    "units": ("segmentation", lambda seg: seg.segments),
    "open": ("suggested", lambda suggested: suggested.open),
}
INPUTS = ("sources", "coding")  # what the runner puts in the state before the first stage


def _sentences(state: State) -> list:
    return [s for t in state["turns"] for s in t.sentences]


def _ingested(state: State, cfg: Config) -> dict[str, Any]:
    docs = state["corpus"].documents
    return {"files": len(docs), "skipped": len(state["corpus"].skipped),
            "turns": sum(len(d.turns) for d in docs), "time_marks": sum(len(d.marks) for d in docs)}


def _relevant(state: State, cfg: Config) -> dict[str, Any]:
    sentences = _sentences(state)
    return {"study": state["study"].as_dict(), "sentences": len(sentences), "enabled": cfg.relevance.enabled,
            "thematic": sum(s.thematic for s in sentences),
            "low_confidence": sum(s.kind.startswith(LOW) for s in sentences)}


def _clustered(state: State, cfg: Config) -> dict[str, Any]:
    labels, clustered = state["labels"], int((state["clusters"] >= 0).sum())
    return {"codes": int(labels.max()) + 1 if len(labels) else 0, "clustered": clustered,
            "attached": int((labels >= 0).sum()) - clustered, "unassigned": int((labels < 0).sum())}


def _suggested(state: State, cfg: Config) -> dict[str, Any]:
    found: Suggested = state["suggested"]
    if not found.suggestions:
        return {"coding": None}
    return {"coding": found.source, "quotes_located": found.located, "quotes_missing": len(found.missing),
            "codebook_examples": found.examples,
            "codes": len(found.theme_of), "themes": len(set(found.theme_of.values())),
            "units": found.counts(), "trimmed": found.in_part}


def _says_suggested(state: State) -> list[str]:
    found: Suggested = state["suggested"]
    if not found.suggestions:
        return []
    n = found.counts()
    taught = f"{found.located} quotes taught {n['human']} units"
    if found.examples:
        taught += f"; {found.examples} codebook codes found an example unit"
    lines = [f"coding ({len(found.theme_of)} codes): {taught}; suggested {n['suggested']} ({found.in_part} "
             f"in part: their sentences like coded talk), {n['new']} new (to open clustering), "
             f"{n['uncoded']} uncoded"]
    if found.missing:
        lines.append(f"coding: {len(found.missing)} quotes not found in the transcripts "
                     f"(first: {found.missing[0].file} row {found.missing[0].row})")
    return lines


STAGES: tuple[Stage, ...] = (
    Stage("ingest", usable_corpus, ("sources",), ("corpus",), ("ingest",), record=_ingested,
          says=lambda state: summary(state["corpus"].interviewers)),
    Stage("preprocess", preprocess, ("corpus",), ("turns",), ("preprocess",), ("english",),
          record=lambda state, cfg: {"participant_turns": len(state["turns"]),
                                     "sentences": len(_sentences(state)),
                                     "languages": sorted({t.lang for t in state["turns"]})}),
    Stage("relevance", mark_relevance, ("corpus", "turns"), ("study", "turns", "contexts"),
          ("study", "relevance", "preprocess"), ("encode", "talk"), record=_relevant),
    Stage("segment", segment, ("turns", "texts"), ("segmentation",), ("segment",),
          record=lambda state, cfg: {"segments": len(state["segmentation"].segments),
                                     "dropped": len(state["segmentation"].dropped)}),
    Stage("embed", embed, ("corpus", "turns", "contexts", "segmentation"), ("vectors", "embedded", "model"),
          ("embed", "preprocess"), ("encode",),
          record=lambda state, cfg: {"model": state["model"], "embedded": state["embedded"],
                                     "from_cache": len(state["segmentation"].segments) - state["embedded"]}),
    Stage("lexical", clustering_space, ("vectors", "segmentation"), ("space", "lexical_dimensions"),
          ("lexical", "reduce", "seed"), ("encode",),
          record=lambda state, cfg: {"dimensions": state["lexical_dimensions"], "weight": cfg.lexical.weight,
                                     "by_meaning": by_meaning(state["segmentation"].segments, cfg.lexical)}),
    Stage("suggest", suggest_codes, ("corpus", "turns", "units", "space", "vectors", "coding"),
          ("suggested",), ("suggest",), ("encode",), record=_suggested, says=_says_suggested),
    Stage("reduce", layouts, ("space", "open"), ("layouts",), ("reduce", "cluster", "seed"),
          record=lambda state, cfg: {"runs": len(state["layouts"]),
                                     "dimensions": int(state["layouts"][0].shape[1])
                                     if len(state["layouts"][0]) else 0}),
    Stage("cluster", assign_codes, ("space", "open", "layouts"), ("clusters", "labels", "probs"),
          ("cluster",), record=_clustered),
    Stage("hierarchy", code_themes, ("space", "labels"), ("themes",), ("hierarchy",),
          record=lambda state, cfg: {"themes": len(set(state["themes"].tolist()))}),
    Stage("labels", label_codes, ("units", "space", "labels", "probs", "themes"), ("codebook",), ("labels",),
          record=lambda state, cfg: {"themes": len(state["codebook"].themes),
                                     "codes": len(state["codebook"].codes)}),
    Stage("map", map_units, ("space",), ("map",), ("report", "reduce", "seed"),
          record=lambda state, cfg: {"drawn": cfg.report.map}),
    Stage("stability", stability, ("space", "open", "codebook"), ("stability",),
          ("report", "reduce", "cluster", "seed"),
          record=lambda state, cfg: {"runs": state["stability"].runs, "ari": state["stability"].ari}),
)


@dataclass
class Clock:
    """Per-stage wall time and counts for the manifest."""

    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, log: bool = True) -> Iterator[dict[str, Any]]:
        if log:
            print(f"mazmun: {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        record: dict[str, Any] = {}
        yield record
        self.stages[name] = {"seconds": round(time.perf_counter() - started, 3), **record}


@dataclass(frozen=True)
class Stages:
    """What the stages computed, for the run folder (or a benchmark) to use."""

    corpus: Corpus
    segmentation: Segmentation
    codebook: Codebook
    model_id: str
    study: Study
    space: np.ndarray  # each unit's vector in the space it was clustered in
    suggested: Suggested  # the coders' codes suggested (nothing without --coding)
    map: np.ndarray  # each unit's place on the report's map, (n, 2) in [0, 1]
    stability: Stability  # each code looked for in clusterings with other seeds


def run_stage(stage: Stage, state: State, cfg: Config, models: Models) -> None:
    """Run one stage on ``state`` (updated in place with what it writes)."""
    out = stage.run(*(state[name] for name in stage.reads), *(getattr(cfg, c) for c in stage.config),
                    **{name: getattr(models, name) for name in stage.models})
    state.update(zip(stage.writes, out if len(stage.writes) > 1 else (out,)))
    state.update({name: view(state[source]) for name, (source, view) in VIEWS.items()
                  if source in stage.writes})


def models_for(cfg: Config, cache: EmbeddingCache | None) -> Models:
    """The models ``cfg`` names (loaded when first used), embedding through ``cache``."""
    return Models(Encoder(cfg.embed.model, cfg.embed.threads, cfg.embed.batch_size, cache))


def run_stages(sources: list[SourceFile], cfg: Config, models: Models, clock: Clock,
               log: bool = True, coding: Coding | None = None) -> Stages:
    """Every stage in order, each timed and counted in ``clock``; with the coders' ``coding``,
    their codes suggested for the other units."""
    state: State = {"sources": sources, "coding": coding}
    for stage in STAGES:
        with clock.stage(stage.name, log) as record:
            run_stage(stage, state, cfg, models)
            record.update(stage.record(state, cfg))
        for line in stage.says(state) if log else ():
            print(f"mazmun: {line}", file=sys.stderr, flush=True)
    return Stages(state["corpus"], state["segmentation"], state["codebook"], state["model"],
                  state["study"], state["space"], state["suggested"], state["map"],
                  state["stability"])
