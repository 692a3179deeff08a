"""Stage segment: participant sentences → meaning units.

A meaning unit is a run of consecutive sentences of one turn (never crossing speakers), long
enough to carry a meaning (``min_words``) and short enough to carry one (``max_words``).
Sentences the relevance stage found non-thematic (greetings, consent, demographics, thinking
aloud) are dropped with their kind as the reason; units are built from the runs of thematic
sentences between them. Trivial talk — sentences with no content word ("Yes.", "سلام.") — at the
edges of a run is dropped too; inside a unit it stays, so units are contiguous spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import check
from pipeline.types import Dropped, ProcessedTurn, Segment, Segmentation, Sentence

TRIVIAL = "trivial talk (no content words)"
NON_THEMATIC = "non-thematic talk"


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


def _dropped(pt: ProcessedTurn, text: str, sentences: list[Sentence], reason: str = TRIVIAL) -> Dropped:
    start, end = sentences[0].start, sentences[-1].end
    return Dropped(pt.file, pt.turn.speaker, pt.turn.index, start, end, text[start:end], reason)


def _runs(sentences: tuple[Sentence, ...]) -> list[tuple[bool, list[Sentence]]]:
    """Maximal runs of thematic and of non-thematic sentences, in order."""
    runs: list[tuple[bool, list[Sentence]]] = []
    for s in sentences:
        if runs and runs[-1][0] == s.thematic:
            runs[-1][1].append(s)
        else:
            runs.append((s.thematic, [s]))
    return runs


def _doubt(group: list[Sentence]) -> str:
    """The doubt of the unit's sentences when they hold at least half its words ("" if none)."""
    doubted = [s for s in group if s.thematic and s.kind]
    if 2 * sum(s.n_words for s in doubted) < sum(s.n_words for s in group):
        return ""
    return max(doubted, key=lambda s: s.n_words).kind


def _units(pt: ProcessedTurn, text: str, sentences: list[Sentence], cfg: SegmentConfig,
           first_number: int) -> tuple[list[Segment], list[Dropped]]:
    """Meaning units of one run of thematic sentences; trivial talk at its edges is dropped."""
    content = [i for i, s in enumerate(sentences) if s.tokens]
    if not content:
        return [], [_dropped(pt, text, sentences)]
    first, last = content[0], content[-1]
    dropped = [_dropped(pt, text, part) for part in (sentences[:first], sentences[last + 1:]) if part]
    segments: list[Segment] = []
    for group in _groups(tuple(sentences[first:last + 1]), cfg):
        tokens = tuple(t for s in group for t in s.tokens)
        if len(tokens) < cfg.min_content_tokens:
            dropped.append(_dropped(pt, text, group))
            continue
        start, end = group[0].start, group[-1].end
        segment_id = f"{pt.file}#{pt.turn.index:03d}.{first_number + len(segments)}"
        norm = " ".join(s.norm for s in group)
        segments.append(Segment(segment_id, pt.file, pt.turn.speaker, pt.turn.index, pt.lang,
                                start, end, text[start:end], norm, tokens, _doubt(group),
                                tuple(w for s in group for w in s.forms)))
    return segments, dropped


def segment_turn(pt: ProcessedTurn, text: str, cfg: SegmentConfig) -> tuple[list[Segment], list[Dropped]]:
    """Meaning units and dropped talk of one turn; ``text`` is the document's raw text."""
    segments: list[Segment] = []
    dropped: list[Dropped] = []
    for thematic, run in _runs(pt.sentences):
        if not thematic:
            dropped.append(_dropped(pt, text, run, f"{NON_THEMATIC} ({run[0].kind})"))
            continue
        s, d = _units(pt, text, run, cfg, len(segments) + 1)
        segments.extend(s)
        dropped.extend(d)
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
