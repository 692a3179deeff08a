"""Texts → unit vectors through a model and the embedding cache, in batches, with a progress bar.
Stages are given an ``Encoder``; they never open the cache or load a model themselves."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from pipeline.models.cache import EmbeddingCache
from pipeline.models.embedders import Embedder, load_embedder
from pipeline.vectors import unit_rows


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="embed", unit="unit", disable=None, leave=False)


def embed_texts(texts: list[str], embedder: Embedder, batch_size: int,
                cache: EmbeddingCache | None = None) -> tuple[np.ndarray, int]:
    """Embed ``texts`` in batches (cached ones are looked up); return unit vectors and the
    number of texts actually sent to the model."""
    keys = [EmbeddingCache.key(embedder.model_id, t) for t in texts]
    known = cache.get(sorted(set(keys))) if cache else {}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    with _progress(len(todo)) as bar:
        for i in range(0, len(todo), batch_size):
            batch = todo[i:i + batch_size]
            vectors = embedder.embed([t for _, t in batch])
            new = dict(zip((k for k, _ in batch), vectors))
            if cache:
                cache.put(new)
            known.update(new)
            bar.update(len(batch))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    matrix = np.vstack([known[k] for k in keys]).astype(np.float32)
    return unit_rows(matrix), len(todo)




@dataclass
class Encoder:
    """A model (loaded on first use) and the cache: ``encoder(texts)`` → (unit vectors, how many
    texts were sent to the model rather than read from the cache)."""

    model: str
    threads: int = 0
    batch_size: int = 64
    cache: EmbeddingCache | None = None

    @cached_property
    def embedder(self) -> Embedder:
        return load_embedder(self.model, self.threads)

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    def __call__(self, texts: list[str]) -> tuple[np.ndarray, int]:
        return embed_texts(texts, self.embedder, self.batch_size, self.cache)
