"""Decode transcript bytes: BOMs, UTF-8, UTF-16 without BOM, legacy Windows-1256 (Farsi/Arabic).

Windows-1256 maps every byte to some character, so a fallback decode is accepted only when the
result reads as Arabic-script text; anything else is reported as undecodable, never guessed.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(ValueError):
    """The bytes are binary or in no supported encoding; the message says which."""


def _arabic_script_share(text: str) -> float:
    """Share of non-ASCII letters that are Arabic-script (incl. Persian, ZWNJ, presentation forms)."""
    non_ascii = [c for c in text if ord(c) > 127 and (c.isalpha() or c == "\u200c")]
    if not non_ascii:
        return 0.0
    arabic = sum(1 for c in non_ascii if "\u0600" <= c <= "\u06ff" or c == "\u200c"
                 or "\ufb50" <= c <= "\ufeff")
    return arabic / len(non_ascii)


def _plausible(text: str) -> float:
    """Share of characters a transcript plausibly holds: Latin, Arabic script, punctuation."""
    if not text:
        return 0.0
    good = sum(1 for c in text if c.isspace() or " " <= c <= "\u024f" or "\u0600" <= c <= "\u06ff"
               or "\u2000" <= c <= "\u206f" or "\ufb50" <= c <= "\ufeff")
    return good / len(text)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose decoding reads as text (NULs suggest it)."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    scores = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        if text is not None:
            scores[encoding] = _plausible(text)
    best = max(scores, key=lambda e: scores[e], default=None)
    return best if best and scores[best] >= 0.95 else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode(data: bytes, fallbacks: tuple[str, ...] = ("cp1256",)) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`DecodeError` with a reason a user can act on."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not valid {encoding}")
            return text, encoding
    utf16 = _looks_utf16(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, utf16
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not a text transcript")
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    for encoding in fallbacks:
        text = _strict(data, encoding)
        if text is not None and _arabic_script_share(text) >= 0.9:
            return text, encoding
    raise DecodeError("not valid UTF-8, UTF-16 or " + ", ".join(fallbacks)
                      + "; re-save it as UTF-8 (in Word: Save As > Plain Text > Unicode (UTF-8))")


def is_binary_text(text: str) -> bool:
    """Decoded text that is mostly control characters came from a binary file."""
    if not text:
        return False
    control = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v")
    return control > 0.05 * len(text)
