"""Cutting long text into pieces of bounded length, so that work whose cost grows faster than the
length of its input (aligning normalized Farsi to the raw text, spaCy's parser) stays linear in
the length of a turn. Pieces are contiguous and cover the text; they end after a sentence end
where there is one, else at a space the caller accepts, never inside a word unless a piece
would otherwise grow without bound."""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"[.!?؟…\n][\"'»”)\]]*\s+(?=\w)")
_SPACE = re.compile(r"\s+")


def pieces(text: str, size: int, can_cut: Callable[[str, int, int], bool] | None = None
           ) -> list[tuple[int, int]]:
    """(start, end) of pieces of ``text`` about ``size`` characters long (at most ``8 × size``)."""
    out, start = [], 0
    while len(text) - start > 2 * size:
        cut = _cut(text, start, size, can_cut)
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def _cut(text: str, start: int, size: int, can_cut: Callable[[str, int, int], bool] | None) -> int:
    end = _SENTENCE_END.search(text, start + size, start + 4 * size)
    if end:
        return end.end()
    for space in _SPACE.finditer(text, start + size, start + 8 * size):
        if can_cut is None or can_cut(text, space.start(), space.end()):
            return space.end()
    return start + 8 * size
