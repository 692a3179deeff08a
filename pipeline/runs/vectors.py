"""A run's units and codes as vectors, embedded with the run's own model and config (for the review
page's split and for codebook comparison)."""

from __future__ import annotations

import numpy as np

from pipeline.decisions import log as dec
from pipeline.flow import models_for
from pipeline.models.cache import embedding_cache
from pipeline.run_config import Config
from pipeline.stages.cluster import center_languages
from pipeline.stages.preprocess import normalized
from pipeline.vectors import unit_rows


def embed_run_texts(texts: list[str], cfg: Config) -> np.ndarray:
    """Texts embedded with the run's own model, through the embedding cache."""
    with embedding_cache(cfg.embed.cache_dir, cfg.embed.cache) as cache:
        return models_for(cfg, cache).encode(texts)[0]


def unit_vectors(units: list[dec.Unit], cfg: Config) -> np.ndarray:
    """Units' vectors (of their normalized text), centered per language as clustering does."""
    x = embed_run_texts([normalized(u.text, cfg.preprocess) for u in units], cfg)
    return center_languages(x, [u.lang for u in units], cfg.reduce.language_shrinkage)


def code_vectors(state: dec.State, cfg: Config) -> tuple[list[dec.Code], np.ndarray]:
    """Each code that has units, and the mean of its units' vectors."""
    codes = [c for c in sorted(state.codes.values(), key=lambda c: c.id) if state.members(c.id)]
    by_id = {u.segment_id: u for u in state.units}
    units = [by_id[u] for c in codes for u in state.members(c.id)]
    if not units:
        return [], np.zeros((0, 0), dtype=np.float32)
    x = unit_vectors(units, cfg)
    sizes = np.cumsum([0] + [len(state.members(c.id)) for c in codes])
    return codes, unit_rows(np.vstack([x[a:b].mean(axis=0) for a, b in zip(sizes[:-1], sizes[1:])]))
