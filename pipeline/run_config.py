"""The whole run's configuration: one section per stage, plus the seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import build, check, merge_overrides, read_yaml
from pipeline.decisions.carry import CarryConfig
from pipeline.errors import E_CONFIG_KEY, MazmunError
from pipeline.evaluate.compare import CompareConfig
from pipeline.report.numbers import ReportConfig
from pipeline.review.view import ReviewConfig
from pipeline.stages.cluster import ClusterConfig, ReduceConfig
from pipeline.stages.embed import EmbedConfig
from pipeline.stages.hierarchy import HierarchyConfig
from pipeline.stages.ingest import IngestConfig
from pipeline.stages.labels import LabelConfig
from pipeline.stages.lexical import LexicalConfig
from pipeline.stages.preprocess import PreprocessConfig
from pipeline.stages.relevance import RelevanceConfig
from pipeline.stages.segment import SegmentConfig
from pipeline.stages.study import StudyConfig
from pipeline.stages.suggest import SuggestConfig

SECTIONS = {
    "study": StudyConfig,
    "ingest": IngestConfig,
    "preprocess": PreprocessConfig,
    "relevance": RelevanceConfig,
    "segment": SegmentConfig,
    "embed": EmbedConfig,
    "lexical": LexicalConfig,
    "suggest": SuggestConfig,
    "reduce": ReduceConfig,
    "cluster": ClusterConfig,
    "hierarchy": HierarchyConfig,
    "labels": LabelConfig,
    "report": ReportConfig,
    "compare": CompareConfig,
    "review": ReviewConfig,
    "carry": CarryConfig,
}


@dataclass(frozen=True)
class Config:
    seed: int = 42
    study: StudyConfig = field(default_factory=StudyConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    relevance: RelevanceConfig = field(default_factory=RelevanceConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    lexical: LexicalConfig = field(default_factory=LexicalConfig)
    suggest: SuggestConfig = field(default_factory=SuggestConfig)
    reduce: ReduceConfig = field(default_factory=ReduceConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    hierarchy: HierarchyConfig = field(default_factory=HierarchyConfig)
    labels: LabelConfig = field(default_factory=LabelConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    carry: CarryConfig = field(default_factory=CarryConfig)

    def __post_init__(self) -> None:
        check(self.seed >= 0, "seed", "must be a non-negative integer")


def from_mapping(data: dict[str, Any]) -> Config:
    unknown = sorted(set(data) - set(SECTIONS) - {"seed"})
    if unknown:
        raise MazmunError(E_CONFIG_KEY, f"config: unknown section '{unknown[0]}'",
                          f"valid sections are: seed, {', '.join(SECTIONS)}")
    seed = data.get("seed", 42)
    if not isinstance(seed, int) or isinstance(seed, bool):
        check(False, "seed", f"expected an integer, got {seed!r}")
    sections = {name: build(cls, data.get(name), name) for name, cls in SECTIONS.items()}
    return Config(seed=seed, **sections)


def load_config(path: Path | None = None, overrides: list[str] | None = None) -> Config:
    """Defaults ← config file ← ``--set`` overrides; every key validated."""
    data = merge_overrides(read_yaml(path), overrides or [])
    if "seed" in data and isinstance(data["seed"], dict):
        raise MazmunError(E_CONFIG_KEY, "config: 'seed' is a value, not a section", "write seed: 42")
    return from_mapping(data)
