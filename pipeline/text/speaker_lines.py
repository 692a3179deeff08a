"""What a transcript line is: a speaker's label with the speech after it, a heading line that
names the speaker of the lines below it, a time mark alone, or speech.

The forms read are those transcribers and transcription tools write:

- ``P3: words``, ``مصاحبه‌گر: …``, ``I: …`` / ``B: …`` / ``IP: …`` (f4/f5, MAXQDA) — a tag;
- ``Dana Roe  0:03`` then the speech on the lines below (Otter.ai, Teams .docx), ``Speaker 1
  (00:00:03):`` (Rev), ``[00:00:03] - Speaker 1`` (Happy Scribe), ``[Dana Roe] 10:02:03`` (Zoom's
  saved transcript), ``10:15:30 From Dana Roe to Everyone:`` (Zoom chat) — a heading;
- ``[00:00:03] Dana Roe: words``, ``Dana Roe: [00:00:03] words`` (Descript, Sonix) — a tag with
  its time;
- ``00:01:02`` alone on a line — a mark line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.text.timemarks import BARE, ENCLOSED, seconds
from pipeline.types import Mark

_MARK = rf"(?:{ENCLOSED}|{BARE})"
_LEAD = r"[ \t\u200e\u200f\u202a-\u202e\ufeff]*"
_NAME = r"(?:\[(?P<boxed>[^\[\]:\n]{1,40})\]|(?P<label>[^\s:：\[(#][^:：\n]{0,39}?))"
_BEFORE = rf"(?:(?P<t1>{_MARK})[ \t]*(?:[-–—|][ \t]*)?)?"
_AFTER = rf"[ \t]*(?:[-–—|]?[ \t]*(?P<t2>{_MARK})[ \t]*)?"
_HEAD = re.compile(rf"{_LEAD}{_BEFORE}{_NAME}{_AFTER}(?P<colon>[:：](?!\d))?[ \t]*")
_TAG = re.compile(rf"{_LEAD}{_BEFORE}{_NAME}{_AFTER}[:：](?!\d)[ \t]*(?:(?P<t3>{_MARK})[ \t]*)?")
_MARK_LINE = re.compile(rf"\s*(?P<t1>{_MARK})(?:\s*(?:-->|→|-|–)\s*(?P<t2>{_MARK}))?\s*")
_NOT_LABEL = re.compile(r"[.!?؟،,;\"«»()\[\]]|^\d+$|^\d")
_CHAT = re.compile(r"from\s+(.+?)(?:\s+to\s+.+?)?(?:\s*\(.*\))?\s*$", re.I)

SPEECH, TAG, HEAD, MARKS = "speech", "tag", "head", "marks"


@dataclass(frozen=True)
class Line:
    kind: str  # SPEECH, TAG (label + speech), HEAD (label; speech on the lines below), MARKS
    start: int  # the line in the text: [start, end)
    end: int
    label: str = ""
    body: int = 0  # TAG: where the speech starts
    marks: tuple[Mark, ...] = ()  # the time marks of the label or the mark line


def _marks(m: re.Match[str], offset: int, groups: tuple[str, ...]) -> tuple[Mark, ...]:
    return tuple(Mark(offset + m.start(g), offset + m.end(g), seconds(m.group(g)))
                 for g in groups if g in m.re.groupindex and m.group(g))


def _label(m: re.Match[str], max_words: int) -> str:
    """The speaker's name the match holds, or "" when it cannot be one."""
    label = (m.group("boxed") or m.group("label") or "").strip()
    chat = _CHAT.match(label) if m.group("t1") else None
    if chat:  # Zoom chat: "From Dana Roe to Everyone"
        label = chat.group(1).strip()
    if not label or _NOT_LABEL.search(label) or len(label.split()) > max_words:
        return ""
    return label


def named_after_marks(text: str, lines: list[Line], max_words: int) -> list[Line]:
    """Lines as older Teams .docx exports write turns: a cue's time range on a line, the speaker's
    name alone on the next, then the speech. A name is read as such when it recurs so."""
    def name(i: int) -> str:
        said = text[lines[i].start:lines[i].end].strip()
        ok = i and lines[i - 1].kind == MARKS and lines[i].kind == SPEECH and len(said.split()) <= max_words
        return said if ok and not _NOT_LABEL.search(said) else ""

    names = [name(i) for i in range(len(lines))]
    recurring = {n for n, k in Counter(names).items() if n and k >= 2}
    return [Line(HEAD, ln.start, ln.end, n, marks=lines[i - 1].marks) if n in recurring else ln
            for i, (ln, n) in enumerate(zip(lines, names))]


def classify(text: str, start: int, end: int, max_words: int) -> Line:
    """What the line ``text[start:end]`` is."""
    line = text[start:end]
    m = _MARK_LINE.fullmatch(line)
    if m:
        return Line(MARKS, start, end, marks=_marks(m, start, ("t1",)))  # a range: its start
    m = _HEAD.fullmatch(line)
    if m and (m.group("t1") or m.group("t2") or m.group("colon")):
        label = _label(m, max_words)
        if label:
            return Line(HEAD, start, end, label, marks=_marks(m, start, ("t1", "t2")))
    m = _TAG.match(line)
    if m and m.end() < len(line):
        label = _label(m, max_words)
        if label:
            return Line(TAG, start, end, label, start + m.end(), _marks(m, start, ("t1", "t2", "t3")))
    return Line(SPEECH, start, end)
