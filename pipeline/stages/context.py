"""Where each participant sentence sits in its session: the structural signals of relevance.

They follow from how interviews and sessions are run, in any study and any language:
- **position**: greetings, consent and background belong to a session's opening and closing;
- **the question answered**: the last interviewer turn before the sentence, or the last task
  prompt read from the protocol (in a think-aloud session the prompt is the question);
- **repetition**: text that several participants say (nearly) word for word is read from a
  protocol (task prompts, consent forms, read-outs), not their own talk;
- **transcriber's notes**: a sentence wholly in brackets, "(The participant reads the task)",
  "[laughs]", is the transcriber's, not the participant's.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.types import INTERVIEWER, Corpus, ProcessedTurn, Segment

OPENING, CLOSING = "opening", "closing"
_WORD = re.compile(r"\w+")
_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]][\s.。]*")
GRAM = 3  # words per shingle when looking for repeated text


@dataclass(frozen=True)
class SentenceContext:
    edge: str  # OPENING, CLOSING or "" (the middle of the session)
    question: int  # index of the question it answers in ``Contexts.questions``, -1: none
    repeated: int  # participants who say it nearly verbatim (0: not repeated)
    note: bool  # a transcriber's note


@dataclass(frozen=True)
class Contexts:
    sentences: tuple[SentenceContext, ...]  # one per participant sentence, turn by turn
    questions: tuple[tuple[str, int, int], ...]  # (file, start, end) of each question or prompt


def _grams(norm: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(norm.lower())
    return {tuple(words[i:i + GRAM]) for i in range(len(words) - GRAM + 1)}


def repeated(turns: tuple[ProcessedTurn, ...], share: float, overlap: float = 0.8) -> list[int]:
    """For each sentence, how many participants say it nearly verbatim (at least ``overlap`` of
    its word shingles each said by that many), when that is at least ``share`` of the
    participants and at least two; 0 otherwise. Sentences under five words are never repeated:
    short phrases recur in anyone's talk."""
    grams = [_grams(s.norm) for t in turns for s in t.sentences]
    who = [(t.file, t.turn.speaker) for t in turns for _ in t.sentences]
    said: dict[tuple[str, ...], set] = defaultdict(set)
    for g, person in zip(grams, who):
        for gram in g:
            said[gram].add(person)
    need = max(2, math.ceil(share * len(set(who))))
    out = []
    for g in grams:
        counts = sorted((len(said[gram]) for gram in g), reverse=True)
        k = math.ceil(overlap * len(counts)) if len(g) >= GRAM else 0
        out.append(counts[k - 1] if k and counts[k - 1] >= need else 0)
    return out


def _edges(turns: tuple[ProcessedTurn, ...], share: float) -> list[str]:
    """OPENING / CLOSING for the first and last ``share`` of each file's participant sentences."""
    count: dict[str, int] = defaultdict(int)
    for t in turns:
        count[t.file] += len(t.sentences)
    seen: dict[str, int] = defaultdict(int)
    out = []
    for t in turns:
        n = count[t.file]
        for _ in t.sentences:
            j = seen[t.file]
            seen[t.file] += 1
            out.append(OPENING if j < share * n else CLOSING if j >= n - share * n else "")
    return out


def _questions(corpus: Corpus, turns: tuple[ProcessedTurn, ...], prompts: list[bool], interviewer_asks: bool):
    """The question each sentence answers: the latest interviewer turn (when ``interviewer_asks``)
    or prompt before it."""
    events: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # (start, end, sentence or -1)
    for doc in corpus.documents if interviewer_asks else ():
        events[doc.name] += [(t.start, t.end, -1) for t in doc.turns if t.role == INTERVIEWER]
    i = 0
    for t in turns:
        for s in t.sentences:
            events[t.file].append((s.start, s.end, i))
            i += 1
    questions: list[tuple[str, int, int]] = []
    answers = [-1] * i
    for file, items in events.items():
        current = -1
        for start, end, index in sorted(items):
            if index >= 0:
                answers[index] = current
            if index < 0 or prompts[index]:
                questions.append((file, start, end))
                current = len(questions) - 1
    return answers, questions


def contexts(corpus: Corpus, turns: tuple[ProcessedTurn, ...], edge_share: float,
             repeated_share: float, interviewer_asks: bool = True) -> Contexts:
    """Stage function: each participant sentence's place in its session. Without
    ``interviewer_asks`` (think-aloud sessions: the moderator helps) only prompts are questions."""
    texts = corpus.spoken
    counts = repeated(turns, repeated_share)
    notes = [bool(_NOTE.fullmatch(texts[t.file][s.start:s.end])) for t in turns for s in t.sentences]
    answers, questions = _questions(corpus, turns, [c > 0 for c in counts], interviewer_asks)
    edges = _edges(turns, edge_share)
    return Contexts(tuple(SentenceContext(e, q, c, n) for e, q, c, n in zip(edges, answers, counts, notes)),
                    tuple(questions))


def questions_of(turns: tuple[ProcessedTurn, ...], found: Contexts, texts: dict[str, str],
                 units: tuple[Segment, ...]) -> list[str]:
    """For each unit, the raw text of the question or prompt its first sentence answers ("")."""
    at: dict[tuple[str, int], int] = {}
    i = 0
    for t in turns:
        for s in t.sentences:
            at[(t.file, s.start)] = found.sentences[i].question
            i += 1
    out = []
    for u in units:
        q = at.get((u.file, u.start), -1)
        file, start, end = found.questions[q] if q >= 0 else ("", 0, 0)
        out.append(texts[file][start:end] if file else "")
    return out
