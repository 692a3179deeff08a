"""Time marks that transcription tools write into transcripts, and a unit's time from them.

Researchers go back to the recording, so each unit keeps the time of the nearest mark at or
before its start. The forms read (the vendors' own conventions):

- ``[00:01:02]``, ``(00:01:02)``, ``[00:00:03.12]`` (Rev, Trint, Descript, Sonix, Happy Scribe);
- ``#00:01:02-3#`` (f4/f5transkript and MAXQDA: at the end of each paragraph, i.e. when the
  next one starts);
- a bare ``0:03`` / ``1:02:03`` next to a speaker's name (Otter.ai, Teams, Zoom), read only in
  that place (a bare time inside speech, "at 10:30", is what someone said).

A mark is no speech: preprocessing reads ``Document.spoken``, where marks are blanked.
"""

from __future__ import annotations

import bisect
import re

from pipeline.types import Mark

TIME = r"(?:\d{1,2}:\d{1,2}:\d{1,2}|\d{1,2}:[0-5]\d)(?:[.,]\d{1,3}|-\d{1,2})?"  # 0:0:3.450: Teams
BARE = rf"(?<![\d:]){TIME}(?![\d:])"
ENCLOSED = rf"#{TIME}#|\[{TIME}(?:\s*(?:-->|→|-|–)\s*{TIME})?\]|\({TIME}\)"
_ENCLOSED = re.compile(ENCLOSED)
_CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3})|-(\d{1,2}))?")


def seconds(mark: str) -> float:
    """The time a mark names, in seconds (its first time when it names a range)."""
    m = _CLOCK.search(mark)
    if m is None:
        raise ValueError(f"no time in {mark!r}")
    hours, minutes, secs, fraction, tenths = m.groups()
    value: float = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    if fraction:
        value += int(fraction) / 10 ** len(fraction)
    elif tenths:
        value += int(tenths) / 10
    return float(value)


def enclosed(text: str, start: int = 0, end: int | None = None) -> list[Mark]:
    """The bracketed and ``#…#`` marks in ``text[start:end]``, with offsets into ``text``."""
    return [Mark(m.start(), m.end(), seconds(m.group()))
            for m in _ENCLOSED.finditer(text, start, len(text) if end is None else end)]


_LAST = re.compile(rf"(?:{ENCLOSED})$")
LONGEST_MARK = 48  # characters: "[00:00:03.123 --> 00:00:09.456]" and room to spare


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace and time marks at its edges (in time linear in the
    whitespace trimmed: a mark is looked for only in the few characters at an edge)."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        m = _ENCLOSED.match(text, start, end)
        if not m:
            break
        start = m.end()
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        m = _LAST.search(text, max(start, end - LONGEST_MARK), end)
        if not m:
            return start, end
        end = m.start()


def time_at(marks: tuple[Mark, ...], offset: int) -> float | None:
    """The time of the nearest mark at or before ``offset`` (marks sorted by position)."""
    i = bisect.bisect_right([m.start for m in marks], offset)
    return marks[i - 1].seconds if i else None


def clock(value: float | None) -> str:
    """``HH:MM:SS`` as researchers read a recording's time; "" when there is none."""
    if value is None:
        return ""
    whole = int(value)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
