"""Who is the interviewer in each file: named, labelled, or detected from who asks.

Transcription tools label speakers by name ("Dana Roe", "Speaker 1"), not by role, so a label
pattern ("Interviewer:", "I:") finds nobody. How interviews are run answers it instead: the
interviewer asks the questions. In a file where no speaker is named as the interviewer
(``--interviewer``, ``ingest.interviewers``) nor labelled as one, the speaker whose turns end
in a question most often — at least twice, and at least twice as often as anyone else — is taken
for the interviewer (in a focus group: the moderator). A speaker so taken in most of the files
they appear in is the interviewer in the rest of them too (the one who is in nearly every
interview). Files of one speaker, and surveys (one answer each), have nobody detected.
Every choice is recorded with how it was made, so that a wrong guess is seen and corrected.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from pipeline.text.farsi import fold
from pipeline.types import INTERVIEWER, Document, Interviewer

_ASKS = re.compile(r"[?؟][\s\"'»”’)\]]*$")
MIN_QUESTIONS = 2  # questions a speaker asks before they are taken for the interviewer
DOMINANCE = 2.0  # ... and how many times as many as anyone else


@lru_cache(maxsize=4096)  # a file's few speakers' labels, folded once
def fold_label(label: str) -> str:
    """Compare speaker labels without case, Arabic/Persian letter forms or half-space typing."""
    return fold(label)[0].strip()


def questions(doc: Document) -> Counter[str]:
    """Each speaker's turns that end in a question."""
    return Counter(t.speaker for t in doc.turns if _ASKS.search(doc.spoken[t.start:t.end]))


def _labelled(doc: Document, names: tuple[str, ...]) -> Interviewer | None:
    asking = tuple(dict.fromkeys(t.speaker for t in doc.turns if t.role == INTERVIEWER))
    if not asking:
        return None
    named = {fold_label(n) for n in names}
    how = "named" if any(fold_label(s) in named for s in asking) else "label"
    return Interviewer(doc.name, asking, how)


def _asker(doc: Document) -> tuple[str, str] | None:
    """The speaker who asks the questions in ``doc``, and why; None when nobody clearly does."""
    asked = questions(doc).most_common()
    if not asked or len({t.speaker for t in doc.turns}) < 2:
        return None
    top, n = asked[0]
    runner_up = asked[1][1] if len(asked) > 1 else 0
    if n >= MIN_QUESTIONS and n >= DOMINANCE * runner_up:
        return top, f"asks {n} of the {sum(c for _, c in asked)} questions"
    return None


def _as_interviewer(doc: Document, speaker: str) -> Document:
    turns = tuple(replace(t, role=INTERVIEWER) if t.speaker == speaker else t for t in doc.turns)
    return replace(doc, turns=turns)


def assign(documents: list[Document], names: tuple[str, ...],
           detect: bool) -> tuple[list[Document], list[Interviewer]]:
    """Each document with its interviewer's turns so marked, and who was taken for it, how."""
    found: dict[str, Interviewer] = {}
    for doc in documents:
        labelled = _labelled(doc, names)
        asker = _asker(doc) if detect and labelled is None else None
        if labelled is not None:
            found[doc.name] = labelled
        elif asker is not None:
            found[doc.name] = Interviewer(doc.name, (asker[0],), "detected", asker[1])
    chosen = Counter(fold_label(i.speakers[0]) for i in found.values() if i.how == "detected")
    present = Counter(fold_label(s) for doc in documents for s in {t.speaker for t in doc.turns})
    for doc in documents:
        if doc.name in found or not detect:
            continue
        usual = [s for s in dict.fromkeys(t.speaker for t in doc.turns)
                 if chosen[fold_label(s)] >= 2 and chosen[fold_label(s)] * 2 >= present[fold_label(s)]]
        if usual and len({t.speaker for t in doc.turns}) > 1:
            who = max(usual, key=lambda s: chosen[fold_label(s)])
            found[doc.name] = Interviewer(doc.name, (who,), "detected",
                                          f"the interviewer of {chosen[fold_label(who)]} other files")
    out_docs = [_as_interviewer(d, found[d.name].speakers[0])
                if d.name in found and found[d.name].how == "detected" else d for d in documents]
    return out_docs, [found.get(d.name, Interviewer(d.name, (), "none")) for d in documents]


def summary(chosen: tuple[Interviewer, ...], shown: int = 4) -> list[str]:
    """One line per interviewer found (and one for the files with none), naming the files."""
    groups: dict[tuple[tuple[str, ...], str], list[Interviewer]] = {}
    for who in chosen:
        groups.setdefault((who.speakers, who.how), []).append(who)
    lines = []
    for (speakers, how), whos in groups.items():
        files = ", ".join(w.file for w in whos[:shown]) + (f" and {len(whos) - shown} more"
                                                            if len(whos) > shown else "")
        if how == "none":
            lines.append(f"no interviewer in {files}: every speaker is coded "
                         "(name one with --interviewer NAME)")
            continue
        why = {"named": "named", "label": "by the label"}.get(how, f"detected: {whos[0].why}")
        lines.append(f"interviewer {' / '.join(speakers)} ({why}) in {files}")
    return lines
