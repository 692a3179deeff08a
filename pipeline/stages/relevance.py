"""Stage relevance: tell thematic talk from the rest of the session, sentence by sentence.

Qualitative coders code what participants say about the study's subject and leave greetings,
consent, logistics, background and filler uncoded. Coders can reject a unit in seconds, but talk
that was dropped they never see, so mazmun drops talk only on evidence that holds in any study:

1. a transcriber's note in brackets, and protocol text several participants say nearly word for
   word (task prompts, forms, read-outs; ``stages/context.py``) are dropped;
2. each sentence is compared with a bank of example utterances written for mazmun
   (``pipeline/models/talk/*.txt``, English and Farsi, not tied to any topic): thematic when its ``k``
   nearest thematic examples are, on average, closer than its ``k`` nearest non-thematic ones;
   otherwise the kind of its nearest non-thematic example (greeting, consent, …) is its verdict;
3. with ``confirm`` (the default) that verdict drops the sentence only when the session agrees:
   greetings, consent, logistics and background at the session's opening or closing; any kind in
   answer to a question the examples also take for small talk ("Can you hear me?");
   acknowledgements and thinking aloud when brief (at most ``brief_words`` content words).
   Unconfirmed, the sentence is kept and its unit marked low-confidence ("possibly consent and
   recording") for the coders to judge.

The kind of study (``stages/study.py``) decides which signals apply: in think-aloud sessions
thinking aloud is the data and the moderator's words are help, not questions; survey answers have
no session around them and are all data (but what ``extra_nonthematic`` lists). A single dropped
sentence between two kept ones of the same turn stays with them (a meaning unit is contiguous).
Users add examples of their own with ``extra_thematic`` and ``extra_nonthematic`` (the latter need
no second signal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from pipeline.config import check
from pipeline.models.encoder import Encoder
from pipeline.stages.context import Contexts, SentenceContext, contexts
from pipeline.stages.preprocess import PreprocessConfig, normalized
from pipeline.stages.study import Study, StudyConfig, Traits, detect
from pipeline.types import Corpus, ProcessedTurn, Sentence

THEMATIC = "thematic"
USER_KIND = "study-specific small talk"
THINKING = "thinking aloud and structuring the answer"
# Where each kind of non-thematic talk is confirmed: in the session's frame (opening, closing, the
# question asked) or by its brevity.
SESSION_KINDS = ("greeting or closing", "consent and recording", "background and demographics",
                 "logistics and interruptions")
BRIEF_KINDS = ("short acknowledgement", THINKING, "logistics and interruptions")
NOTE = "transcriber's note"
LOW = "possibly "  # the kind of a kept sentence that one signal doubts


@dataclass(frozen=True)
class RelevanceConfig:
    enabled: bool = True  # false: every sentence is thematic (the pipeline before this stage)
    k: int = 5  # nearest examples of each class that vote
    extra_thematic: tuple[str, ...] = ()  # e.g. the research question, the guide's topics
    extra_nonthematic: tuple[str, ...] = ()  # e.g. a study's recurring small talk
    bridge_gaps: bool = True  # one non-thematic sentence between thematic ones stays
    confirm: bool = True  # the examples' verdict drops talk only when position, question or brevity agree
    opening_share: float = 0.1  # share of a session's participant sentences that is its opening (and closing)
    brief_words: int = 2  # at most this many content words: brief talk
    repeated_share: float = 0.2  # said nearly verbatim by this share of participants (and ≥ 2): protocol text

    def __post_init__(self) -> None:
        check(self.k >= 1, "relevance.k", "must be at least 1")
        check(0.0 <= self.opening_share <= 0.5, "relevance.opening_share", "must be in [0, 0.5]")
        check(self.brief_words >= 0, "relevance.brief_words", "must be ≥ 0")
        check(0.0 < self.repeated_share <= 1.0, "relevance.repeated_share", "must be in (0, 1]")


@dataclass(frozen=True)
class Evidence:
    """What the relevance stage weighs, one entry per participant sentence (turn by turn)."""

    margin: np.ndarray  # bank vote: thematic minus non-thematic similarity (> 0: thematic)
    nearest: tuple[str, ...]  # kind of the nearest non-thematic example
    asked: np.ndarray  # bank vote of the question it answers (+inf: none)
    context: Contexts


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


def bank(cfg: RelevanceConfig, files: tuple[str, ...]) -> Bank:
    """The examples of the shipped bank ``files`` and of the config."""
    pairs = [pair for text in files for pair in parse_bank(text)]
    pairs += [(THEMATIC, t) for t in cfg.extra_thematic]
    pairs += [(USER_KIND, t) for t in cfg.extra_nonthematic]
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


def _bridge(flags: list[bool], bridgeable: list[bool]) -> list[bool]:
    return [f or (bridgeable[i] and 0 < i < len(flags) - 1 and flags[i - 1] and flags[i + 1])
            for i, f in enumerate(flags)]


def _confirmed(kind: str, c: SentenceContext, asked: float, brief: bool, study: Traits) -> str:
    """Why the session agrees that a sentence of ``kind`` is not thematic ("" if it does not)."""
    if kind == USER_KIND:
        return "listed in relevance.extra_nonthematic"
    if kind in SESSION_KINDS and c.edge:
        return f"at the session's {c.edge}"
    if asked < 0 and study.asks:
        return "answers a question that is small talk too"
    if kind in BRIEF_KINDS and brief:
        return "brief"
    return ""


def judge(sentence: Sentence, c: SentenceContext, margin: float, nearest: str, asked: float,
          study: Traits, cfg: RelevanceConfig) -> tuple[bool, str, bool]:
    """(thematic, kind or doubt, bridgeable) of one sentence; see the module's docstring."""
    if c.note:
        return False, NOTE, False
    if not study.session:  # open-ended answers are all data, alike or not, but what the user lists
        listed = margin < 0 and nearest == USER_KIND
        return not listed, USER_KIND if listed else "", True
    if c.repeated:
        return False, f"protocol text said nearly verbatim by {c.repeated} participants", False
    if margin >= 0 or (nearest == THINKING and study.thinking_is_data):
        return True, "", True
    if not cfg.confirm:
        return False, nearest, True
    why = _confirmed(nearest, c, asked, len(sentence.tokens) <= cfg.brief_words, study)
    return (False, f"{nearest}; {why}", True) if why else (True, LOW + nearest, True)


def relevance(turns: tuple[ProcessedTurn, ...], evidence: Evidence, study: Traits,
              cfg: RelevanceConfig) -> tuple[ProcessedTurn, ...]:
    """Stage function: sentences marked thematic or not, with the kind of talk (or the doubt)."""
    if not cfg.enabled:
        return turns
    out, i = [], 0
    for pt in turns:
        verdicts = [judge(s, evidence.context.sentences[i + j], float(evidence.margin[i + j]),
                          evidence.nearest[i + j], float(evidence.asked[i + j]), study, cfg)
                    for j, s in enumerate(pt.sentences)]
        flags = [v[0] for v in verdicts]
        if cfg.bridge_gaps:
            flags = _bridge(flags, [v[2] for v in verdicts])
        sentences = tuple(replace(s, thematic=f, kind="" if f and not v[1].startswith(LOW) else v[1])
                          for s, f, v in zip(pt.sentences, flags, verdicts))
        out.append(replace(pt, sentences=sentences))
        i += len(pt.sentences)
    return tuple(out)


def mark_relevance(corpus: Corpus, turns: tuple[ProcessedTurn, ...], scfg: StudyConfig,
                   cfg: RelevanceConfig, pcfg: PreprocessConfig, encode: Encoder,
                   talk: Callable[[], tuple[str, ...]]) -> tuple[Study, tuple[ProcessedTurn, ...], Contexts]:
    """Stage function: the kind of study; each sentence's place in its session; then (embedding
    every participant sentence, the questions and the example bank ``talk``) whether it is
    thematic."""
    study = detect(corpus, scfg)
    found = contexts(corpus, turns, cfg.opening_share, cfg.repeated_share,
                     interviewer_asks=study.traits.asks)
    if not cfg.enabled:
        return study, turns, found
    examples = bank(cfg, talk())
    texts = corpus.spoken
    asked = [normalized(texts[f][a:b], pcfg) or "-" for f, a, b in found.questions]
    x, _ = encode([s.norm for t in turns for s in t.sentences])
    bank_x, _ = encode(list(examples.texts))
    qx, _ = encode(asked)
    margin, nearest = vote(x, bank_x, examples.kinds, cfg.k)
    q_margin = np.append(vote(qx, bank_x, examples.kinds, cfg.k)[0], np.inf)
    evidence = Evidence(margin, tuple(nearest), q_margin[[c.question for c in found.sentences]], found)
    return study, relevance(turns, evidence, study.traits, cfg), found
