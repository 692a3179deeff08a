"""Objects that flow between stages. Every offset is a character offset into ``Document.text``,
the decoded file (for .docx/.odt/.vtt/.srt/.csv: the text extracted from it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

PARTICIPANT = "participant"
INTERVIEWER = "interviewer"
# Where a unit's code came from in a run with the coders' coding (segments.csv's "source"):
# coded by them, suggested one of their codes, or fitting none of them (open clustering).
HUMAN, SUGGESTED, NEW = "human", "suggested", "new"


@dataclass(frozen=True)
class SourceFile:
    """A file as it was read from the input folder: name relative to the input folder, and its bytes; or, for
    a file not read (too large, unreadable), empty bytes and the reason."""

    name: str
    data: bytes
    unread: str = ""


@dataclass(frozen=True)
class Turn:
    """One speaker turn. ``start``/``end`` cover the spoken text, without the speaker tag."""

    index: int
    speaker: str
    role: str
    start: int
    end: int


@dataclass(frozen=True)
class Mark:
    """A time mark a transcription tool wrote into the text: its span and the time it names."""

    start: int
    end: int
    seconds: float


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    encoding: str
    sha256: str
    turns: tuple[Turn, ...]
    marks: tuple[Mark, ...] = ()  # time marks, in text order

    @cached_property
    def spoken(self) -> str:
        """``text`` with its time marks blanked (same length): what was said, for reading."""
        return blank(self.text, self.marks)


@dataclass(frozen=True)
class Interviewer:
    """Who was taken for the interviewer in a file, and how: "named" (``--interviewer`` or
    ``ingest.interviewers``), "label" (a label such as "Interviewer:" or "I:"), "detected" (asks
    the questions), or "none" (nobody; every speaker is coded)."""

    file: str
    speakers: tuple[str, ...]
    how: str
    why: str = ""


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()
    interviewers: tuple[Interviewer, ...] = ()  # one per document

    @property
    def texts(self) -> dict[str, str]:
        """Each document's text by file name (what every offset points into)."""
        return {d.name: d.text for d in self.documents}

    @property
    def spoken(self) -> dict[str, str]:
        """Each document's text with its time marks blanked (same offsets): what was said."""
        return {d.name: d.spoken for d in self.documents}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a participant turn: raw span, normalized text, content tokens."""

    start: int
    end: int
    norm: str
    tokens: tuple[str, ...]
    n_words: int
    thematic: bool = True  # set by the relevance stage
    kind: str = ""  # non-thematic talk: its kind and why (greeting, …); kept talk in doubt: "possibly …"
    forms: tuple[str, ...] = ()  # the word each token was read from, token for token


@dataclass(frozen=True)
class ProcessedTurn:
    file: str
    turn: Turn
    lang: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Segment:
    """A meaning unit. ``text`` is always ``Document.text[start:end]``."""

    segment_id: str
    file: str
    speaker: str
    turn: int
    lang: str
    start: int
    end: int
    text: str
    norm: str
    tokens: tuple[str, ...]
    doubt: str = ""  # low confidence: the kind of talk one signal took most of it for ("possibly …")
    forms: tuple[str, ...] = ()  # the word each token was read from, token for token


@dataclass(frozen=True)
class Dropped:
    """Participant speech left out of meaning units, with the reason (e.g. trivial talk)."""

    file: str
    speaker: str
    turn: int
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Segmentation:
    segments: tuple[Segment, ...]
    dropped: tuple[Dropped, ...] = field(default_factory=tuple)


def blank(text: str, marks: tuple[Mark, ...]) -> str:
    """``text`` with every mark replaced by spaces (same length: offsets stay valid)."""
    if not marks:
        return text
    chars = list(text)
    for mark in marks:
        chars[mark.start:mark.end] = " " * (mark.end - mark.start)
    return "".join(chars)
