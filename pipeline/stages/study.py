"""The kind of study: how the talk was collected decides what counts as small talk.

- **interview**: one participant per file answering an interviewer's questions; greetings,
  consent and background sit at the opening and closing, or answer questions about them.
- **focus group**: several participants per file and one moderator; read like interviews.
- **think-aloud** (usability session): the participant speaks while doing tasks and the moderator
  says little; thinking aloud is the data, the moderator's words are help, not questions, and the
  task prompts are read from a protocol.
- **survey**: open-ended answers, each respondent's in one stretch (no conversation); every
  answer is data.

The kind is detected from the shape of the talk (``detect``), or set with ``study.kind``; the
run's manifest and report say which kind was assumed and why.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from pipeline.config import check
from pipeline.types import INTERVIEWER, Corpus

AUTO = "auto"


@dataclass(frozen=True)
class Traits:
    """What a kind of study means for relevance: the one place the kinds differ."""

    asks: bool  # the interviewer's turns are the questions units answer (think-aloud: help)
    session: bool  # talk sits in a session with an opening, a closing and small-talk questions
    thinking_is_data: bool  # thinking aloud is what the study collects


TRAITS = {
    "interview": Traits(asks=True, session=True, thinking_is_data=False),
    "focus_group": Traits(asks=True, session=True, thinking_is_data=False),
    "think_aloud": Traits(asks=False, session=True, thinking_is_data=True),
    "survey": Traits(asks=True, session=False, thinking_is_data=False),
}
KINDS = tuple(TRAITS)


@dataclass(frozen=True)
class StudyConfig:
    kind: str = AUTO  # auto | interview | focus_group | think_aloud | survey
    moderator_share: float = 0.1  # interviewer's share of the words below which a session is think-aloud
    group_size: int = 3  # participants in a session from which it is a focus group

    def __post_init__(self) -> None:
        check(self.kind in (AUTO, *KINDS), "study.kind", f"must be one of {AUTO}, {', '.join(KINDS)}")
        check(0.0 <= self.moderator_share < 1.0, "study.moderator_share", "must be in [0, 1)")
        check(self.group_size >= 2, "study.group_size", "must be at least 2")


@dataclass(frozen=True)
class Study:
    kind: str
    reason: str  # what it was detected from, or "set in the config"

    @property
    def traits(self) -> Traits:
        return TRAITS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "reason": self.reason}


def _one_stretch(speakers: list[str]) -> dict[str, bool]:
    """For each speaker of a sequence of turns, whether all their turns come in one stretch."""
    runs: dict[str, int] = {}
    for i, who in enumerate(speakers):
        if i == 0 or speakers[i - 1] != who:
            runs[who] = runs.get(who, 0) + 1
    return {who: n == 1 for who, n in runs.items()}


def _shape(corpus: Corpus) -> tuple[float, float, float]:
    """(interviewer's share of the words, median participants per file, share of participant
    turns by a speaker whose turns in the file come in one stretch: answers, not a conversation)."""
    words = {INTERVIEWER: 0, "other": 0}
    per_file, alone, turns = [], 0, 0
    for doc in corpus.documents:
        said = []
        for turn in doc.turns:
            n = len(doc.spoken[turn.start:turn.end].split())
            words[INTERVIEWER if turn.role == INTERVIEWER else "other"] += n
            if turn.role != INTERVIEWER:
                said.append(turn.speaker)
        stretch = _one_stretch(said)
        per_file.append(len(stretch))
        alone += sum(stretch[who] for who in said)
        turns += len(said)
    total = sum(words.values()) or 1
    return words[INTERVIEWER] / total, float(statistics.median(per_file or [0])), alone / max(turns, 1)


def detect(corpus: Corpus, cfg: StudyConfig) -> Study:
    """Stage function: the kind of study, from the config or from the shape of the talk."""
    if cfg.kind != AUTO:
        return Study(cfg.kind, "set in the config (study.kind)")
    moderator, per_file, alone = _shape(corpus)
    if moderator == 0 and per_file >= 5 and alone >= 0.8:
        return Study("survey", f"no interviewer, and each of the {per_file:.0f} speakers per file "
                     "(median) answers in one stretch, not in conversation")
    if per_file >= cfg.group_size:
        return Study("focus_group", f"{per_file:.0f} participants per file (median)")
    if moderator < cfg.moderator_share:
        return Study("think_aloud", f"the interviewer speaks {moderator:.0%} of the words "
                     f"(under study.moderator_share, {cfg.moderator_share:.0%})")
    return Study("interview", f"one participant per file; the interviewer speaks {moderator:.0%} "
                 "of the words")
