"""Stage 3, segment: participant sentences → meaning units.

A meaning unit is a run of consecutive sentences of one turn (never crossing speakers), long
enough to carry a meaning (``min_words``) and short enough to carry one (``max_words``).
Trivial talk — sentences with no content word ("Yes.", "Right.", "سلام.") — at the edges of
a turn is dropped and reported; inside a unit it stays, so units are contiguous spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import check
from .types import Dropped, ProcessedTurn, Segment, Segmentation, Sentence

TRIVIAL = "trivial talk (no content words)"


@dataclass(frozen=True)
class SegmentConfig:
    min_words: int = 12  # a unit grows until it has at least this many words
    max_words: int = 90  # ... and does not grow past this (a longer single sentence stays whole)
    min_content_tokens: int = 2  # a unit with fewer content words is trivial talk

    def __post_init__(self) -> None:
        check(self.min_words >= 1, "segment.min_words", "must be at least 1")
        check(self.max_words >= self.min_words, "segment.max_words", "must be ≥ segment.min_words")
        check(self.min_content_tokens >= 0, "segment.min_content_tokens", "must be ≥ 0")


def _groups(sentences: tuple[Sentence, ...], cfg: SegmentConfig) -> list[list[Sentence]]:
    """Greedy grouping by word count; a short remainder joins the previous group."""
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    words = 0
    for sentence in sentences:
        if current and (words >= cfg.min_words or words + sentence.n_words > cfg.max_words):
            groups.append(current)
            current, words = [], 0
        current.append(sentence)
        words += sentence.n_words
    if current:
        if groups and words < cfg.min_words and \
                sum(s.n_words for s in groups[-1]) + words <= cfg.max_words:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def _dropped(pt: ProcessedTurn, text: str, sentences: list[Sentence]) -> Dropped:
    start, end = sentences[0].start, sentences[-1].end
    return Dropped(pt.file, pt.turn.speaker, pt.turn.index, start, end, text[start:end], TRIVIAL)


def segment_turn(pt: ProcessedTurn, text: str, cfg: SegmentConfig) -> tuple[list[Segment], list[Dropped]]:
    """Meaning units and dropped trivial talk of one turn; ``text`` is the document's raw text."""
    sentences = pt.sentences
    content = [i for i, s in enumerate(sentences) if s.tokens]
    if not content:
        return [], [_dropped(pt, text, list(sentences))] if sentences else []
    first, last = content[0], content[-1]
    dropped = []
    if first > 0:
        dropped.append(_dropped(pt, text, list(sentences[:first])))
    if last < len(sentences) - 1:
        dropped.append(_dropped(pt, text, list(sentences[last + 1:])))
    segments = []
    for group in _groups(sentences[first:last + 1], cfg):
        tokens = tuple(t for s in group for t in s.tokens)
        start, end = group[0].start, group[-1].end
        if len(tokens) < cfg.min_content_tokens:
            dropped.append(Dropped(pt.file, pt.turn.speaker, pt.turn.index, start, end,
                                   text[start:end], TRIVIAL))
            continue
        segment_id = f"{pt.file}#{pt.turn.index:03d}.{len(segments) + 1}"
        norm = " ".join(s.norm for s in group)
        segments.append(Segment(segment_id, pt.file, pt.turn.speaker, pt.turn.index, pt.lang,
                                start, end, text[start:end], norm, tokens))
    return segments, dropped


def segment(turns: tuple[ProcessedTurn, ...], texts: dict[str, str], cfg: SegmentConfig) -> Segmentation:
    """Stage function: all participant turns → meaning units, plus what was dropped and why."""
    segments: list[Segment] = []
    dropped: list[Dropped] = []
    for pt in turns:
        s, d = segment_turn(pt, texts[pt.file], cfg)
        segments.extend(s)
        dropped.extend(d)
    dropped.sort(key=lambda d: (d.file, d.start))
    return Segmentation(tuple(segments), tuple(dropped))
