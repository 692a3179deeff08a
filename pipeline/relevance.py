"""Stage 2b, relevance: tell thematic talk from the rest of the interview, sentence by sentence.

Qualitative coders code what participants say about their experience and leave greetings,
consent, logistics, demographics and thinking aloud ("let me think…") uncoded. mazmun does the
same by comparison with examples: each participant sentence is embedded and compared with a
bank of example utterances written for mazmun (``pipeline/talk/*.txt``, English and Farsi, not
tied to any research topic), each labelled *thematic* or a kind of *non-thematic* talk. A
sentence is thematic when its ``k`` nearest thematic examples are, on average, closer than its
``k`` nearest non-thematic ones (so each class votes with as many examples, however many the
bank holds of each); the kind of its nearest non-thematic example is the reason given when it
is dropped. A single non-thematic sentence between two thematic ones of the same turn stays
with them (a meaning unit is contiguous). Users add examples of their own with
``extra_thematic`` and ``extra_nonthematic``: the research question and the interview guide's
topics are good thematic examples; recurring small talk of a study good non-thematic ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from .config import check
from .types import ProcessedTurn

THEMATIC = "thematic"
BANK_LANGUAGES = ("en", "fa")


@dataclass(frozen=True)
class RelevanceConfig:
    enabled: bool = True  # false: every sentence is thematic (the pipeline before this stage)
    k: int = 5  # nearest examples of each class that vote
    extra_thematic: tuple[str, ...] = ()  # e.g. the research question, the guide's topics
    extra_nonthematic: tuple[str, ...] = ()  # e.g. a study's recurring small talk
    bridge_gaps: bool = True  # one non-thematic sentence between thematic ones stays

    def __post_init__(self) -> None:
        check(self.k >= 1, "relevance.k", "must be at least 1")


@dataclass(frozen=True)
class Bank:
    """Example utterances and their kinds (``thematic`` or a kind of non-thematic talk)."""

    texts: tuple[str, ...]
    kinds: tuple[str, ...]


def parse_bank(text: str) -> list[tuple[str, str]]:
    """(kind, utterance) pairs from a bank file: ``## thematic`` / ``## nonthematic: KIND``
    headers, one utterance per line, ``#`` comments."""
    pairs, kind = [], ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("## "):
            header = line[3:].strip()
            kind = THEMATIC if header == THEMATIC else header.partition(":")[2].strip() or "non-thematic"
        elif line and not line.startswith("#") and kind:
            pairs.append((kind, line))
    return pairs


@lru_cache(maxsize=1)
def builtin_pairs() -> tuple[tuple[str, str], ...]:
    """The shipped examples, both languages (the embedding model is multilingual)."""
    folder = resources.files("pipeline") / "talk"
    texts = [(folder / f"{lang}.txt").read_text("utf-8") for lang in BANK_LANGUAGES]
    return tuple(pair for text in texts for pair in parse_bank(text))


def bank(cfg: RelevanceConfig) -> Bank:
    pairs = list(builtin_pairs())
    pairs += [(THEMATIC, t) for t in cfg.extra_thematic]
    pairs += [("study-specific small talk", t) for t in cfg.extra_nonthematic]
    return Bank(tuple(t for _, t in pairs), tuple(k for k, _ in pairs))


def vote(x: np.ndarray, bank_x: np.ndarray, kinds: tuple[str, ...], k: int) -> tuple[np.ndarray, list[str]]:
    """(thematic margin, kind of the nearest non-thematic example) per row of ``x``.

    The margin is the mean similarity to the ``k`` nearest thematic examples minus the mean
    similarity to the ``k`` nearest non-thematic ones: each class votes with as many examples,
    however many the bank holds of each. A positive margin means thematic."""
    if len(x) == 0:
        return np.zeros(0), []
    thematic = np.array([kind == THEMATIC for kind in kinds])
    sims = x @ bank_x.T

    def top(mask: np.ndarray) -> np.ndarray:
        part = sims[:, mask]
        n = min(k, part.shape[1])
        return np.sort(part, axis=1)[:, -n:].mean(axis=1) if n else np.full(len(x), -np.inf)

    other = np.where(thematic[None, :], -np.inf, sims).argmax(axis=1)
    return top(thematic) - top(~thematic), [kinds[i] for i in other]


def _bridge(flags: list[bool]) -> list[bool]:
    return [f or (0 < i < len(flags) - 1 and flags[i - 1] and flags[i + 1]) for i, f in enumerate(flags)]


def relevance(turns: tuple[ProcessedTurn, ...], x: np.ndarray, bank_x: np.ndarray, kinds: tuple[str, ...],
              cfg: RelevanceConfig) -> tuple[ProcessedTurn, ...]:
    """Stage function: sentences marked thematic or not. ``x`` has one unit vector per sentence
    (turn by turn, in order); ``bank_x`` one per example of ``kinds``."""
    if not cfg.enabled:
        return turns
    margin, other = vote(x, bank_x, kinds, cfg.k)
    out, i = [], 0
    for pt in turns:
        n = len(pt.sentences)
        flags = [bool(m > 0) for m in margin[i:i + n]]
        if cfg.bridge_gaps:
            flags = _bridge(flags)
        sentences = tuple(replace(s, thematic=f, kind="" if f else other[i + j])
                          for j, (s, f) in enumerate(zip(pt.sentences, flags)))
        out.append(replace(pt, sentences=sentences))
        i += n
    return tuple(out)
