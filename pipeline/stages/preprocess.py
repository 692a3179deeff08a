"""Stage preprocess: language per participant turn, normalization and sentences.

Farsi turns go through hazm (normalizer with a map back to raw characters); English turns
through spaCy. Sentences tile the turn: every non-space character of participant speech lies
in exactly one sentence, whose ``start``/``end`` point into the raw document text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from pipeline.config import check
from pipeline.models.english import load as load_english
from pipeline.text import farsi
from pipeline.text.english import content_words as english_words
from pipeline.text.spans import pieces
from pipeline.types import PARTICIPANT, Corpus, Document, ProcessedTurn, Sentence, Turn

FA, EN = "fa", "en"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PreprocessConfig:
    spacy_model: str = "auto"  # auto | blank | an installed spaCy pipeline name or path
    farsi_share: float = 0.5  # a turn is Farsi when this share of its letters is Arabic-script

    def __post_init__(self) -> None:
        check(0.0 < self.farsi_share <= 1.0, "preprocess.farsi_share", "must be in (0, 1]")


def language(text: str, cfg: PreprocessConfig) -> str:
    arabic, latin = farsi.script_counts(text)
    return FA if arabic and arabic >= cfg.farsi_share * (arabic + latin) else EN


def normalized(text: str, cfg: PreprocessConfig) -> str:
    """``text`` as sentences' ``norm`` reads it: hazm-normalized when Farsi (so a question typed
    on an Arabic keyboard embeds like a clean one), whitespace collapsed otherwise."""
    if language(text, cfg) == FA:
        return farsi.normalize(text)[0].strip()
    return _SPACE.sub(" ", text).strip()


def _tiles(text: str, start: int, end: int, breaks: list[int]) -> list[tuple[int, int]]:
    """Cut [start, end) at ``breaks`` and trim whitespace; empty pieces vanish."""
    cuts = [start] + sorted(b for b in set(breaks) if start < b < end) + [end]
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def farsi_sentences(text: str, turn: Turn) -> tuple[Sentence, ...]:
    raw = text[turn.start:turn.end]
    norm, mapping = farsi.normalize(raw)
    norm_breaks = farsi.sentence_breaks(norm)
    breaks = [turn.start + mapping[j] for j in norm_breaks]
    sentences = []
    for start, end in _tiles(text, turn.start, turn.end, breaks):
        # the normalized text of this raw span: positions whose source lies inside it
        lo = bisect.bisect_left(mapping, start - turn.start, hi=len(norm))
        hi = bisect.bisect_left(mapping, end - turn.start, lo=lo, hi=len(norm))
        piece = norm[lo:hi].strip() or text[start:end]
        sentences.append(Sentence(start, end, piece, (), farsi.count_words(piece)))  # tokens: below
    return tuple(sentences)


def english_sentences(text: str, turn: Turn, doc) -> tuple[Sentence, ...]:
    breaks = [turn.start + s.start_char for s in doc.sents]
    sentences = []
    for start, end in _tiles(text, turn.start, turn.end, breaks):
        span = doc.char_span(start - turn.start, end - turn.start, alignment_mode="expand")
        found, n_words = english_words(span) if span is not None else ((), 0)
        sentences.append(_read(Sentence(start, end, _SPACE.sub(" ", text[start:end]), (), n_words), found))
    return tuple(sentences)


def farsi_tokens(turns: tuple[ProcessedTurn, ...]) -> tuple[ProcessedTurn, ...]:
    """Farsi sentences' content tokens, read knowing the whole corpus's words (see
    ``farsi.corpus_lemma``): a name hazm would cut (بالینت) stays whole when nobody says the
    shorter form, and a noun with a clitic hazm takes for a verb (خوابم) is the noun."""
    vocab = farsi.vocabulary(s.norm for t in turns if t.lang == FA for s in t.sentences)
    return tuple(replace(t, sentences=tuple(_read(s, farsi.content_words(s.norm, vocab)[0])
                                            for s in t.sentences)) if t.lang == FA else t
                 for t in turns)


def _read(sentence: Sentence, found: tuple[tuple[str, str], ...]) -> Sentence:
    """``sentence`` with its content tokens and the words they were read from."""
    return replace(sentence, tokens=tuple(t for t, _ in found), forms=tuple(w for _, w in found))


ENGLISH_PIECE = 20_000  # characters spaCy reads at once (its limit is 1,000,000; parsers need memory)


def _english_pieces(doc: Document, turn: Turn) -> list[Turn]:
    """The turn as pieces spaCy reads one at a time (the turn itself, unless very long)."""
    return [replace(turn, start=turn.start + a, end=turn.start + b)
            for a, b in pieces(doc.spoken[turn.start:turn.end], ENGLISH_PIECE)]


def preprocess(corpus: Corpus, cfg: PreprocessConfig,
               english: Callable[[str], Any] = load_english) -> tuple[ProcessedTurn, ...]:
    """Stage function: participant turns with language and sentences, in document order;
    ``english`` gives the spaCy pipeline a name stands for (loaded only if a turn is English)."""
    items: list[tuple[Document, Turn, str]] = []
    for doc in corpus.documents:
        for turn in doc.turns:
            if turn.role == PARTICIPANT:
                items.append((doc, turn, language(doc.spoken[turn.start:turn.end], cfg)))
    english_pieces = {(d.name, t.index): _english_pieces(d, t) for d, t, lang in items if lang == EN}
    english_docs: Iterator[Any] = iter([])
    if english_pieces:
        texts = [d.spoken[p.start:p.end] for d, t, lang in items if lang == EN
                 for p in english_pieces[d.name, t.index]]
        english_docs = english(cfg.spacy_model).pipe(texts, batch_size=64)
    out = []
    for doc, turn, lang in items:
        if lang == FA:
            sentences = farsi_sentences(doc.spoken, turn)
        else:
            sentences = tuple(s for piece in english_pieces[doc.name, turn.index]
                              for s in english_sentences(doc.spoken, piece, next(english_docs)))
        out.append(ProcessedTurn(doc.name, turn, lang, sentences))
    return farsi_tokens(tuple(out))
