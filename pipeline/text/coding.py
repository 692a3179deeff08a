"""Human coding: read a coding table and locate each coded quote in its transcript.

A coding table has one row per coded quote: ``file``, ``quote`` (or explicit ``start``/``end``
character offsets) and the labels ``theme``/``subtheme``/``code`` (each optionally with an
``*_id``). A quote is found exactly when it can be; otherwise after folding what differs between
copies of the same Farsi or English text (Arabic ي/ك vs Persian ی/ک, half-spaces vs spaces,
diacritics and tatweel, Persian/Arabic-Indic digits, runs of whitespace, letter case). Quotes
that cannot be found are reported, never silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import PurePath

from pipeline.errors import E_CODING, MazmunError
from pipeline.text.farsi import fold

LEVELS = ("theme", "subtheme", "code")


@dataclass(frozen=True)
class CodedQuote:
    """One row of human coding; ``labels`` maps each level to its label ("" if the table lacks it)."""

    row: int  # 1-based data row in the table
    file: str
    speaker: str
    quote_id: str
    quote: str
    labels: dict[str, str]
    start: int = -1  # given offsets, or -1 to locate the quote
    end: int = -1


@dataclass(frozen=True)
class Located:
    quote: CodedQuote
    start: int
    end: int
    how: str  # exact | normalized | offsets


def _label(row: dict[str, str], level: str) -> str:
    ident, name = (row.get(f"{level}_id") or "").strip(), (row.get(level) or "").strip()
    if ident and name and ident != name:  # a table may repeat the name as the id
        return f"{ident} {name}"
    return ident or name


def _offset(row: dict[str, str], key: str, where: str) -> int:
    value = (row.get(key) or "").strip()
    if not value:
        return -1
    if not value.isdigit():
        raise MazmunError(E_CODING, f"{where}: {key} '{value}' is not a character offset",
                          "write whole numbers, or leave start/end empty to locate the quote")
    return int(value)


def parse_coding(text: str, source: str) -> list[CodedQuote]:
    """Rows of a coding CSV (already decoded). ``source`` names the table in error messages."""
    try:
        return _parse(text, source)
    except csv.Error as exc:
        raise MazmunError(E_CODING, f"{source} is not a readable CSV table: {exc}",
                          "save it again as CSV (UTF-8), from a spreadsheet or your QDA program") from exc


def _parse(text: str, source: str) -> list[CodedQuote]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip() for c in reader.fieldnames or []}
    has_offsets = {"start", "end"} <= columns
    missing = [c for c in ("file",) if c not in columns]
    if "quote" not in columns and not has_offsets:
        missing.append("quote (or start and end)")
    if not any(level in columns or f"{level}_id" in columns for level in LEVELS):
        missing.append("theme, subtheme or code")
    if missing:
        raise MazmunError(E_CODING, f"{source}: the coding table has no column {', '.join(missing)}",
                          "columns: file, speaker, quote, theme_id, theme, subtheme_id, subtheme, "
                          "code_id, code (see README, 'Compare')")
    rows = []
    for n, raw in enumerate(reader, start=1):
        row = {(k or "").strip(): v or "" for k, v in raw.items()}
        where = f"{source} row {n}"
        if not row["file"].strip():
            raise MazmunError(E_CODING, f"{where}: empty file name", "name the transcript file")
        rows.append(CodedQuote(n, row["file"].strip(), row.get("speaker", "").strip(),
                               row.get("quote_id", "").strip() or f"row {n}", row.get("quote", ""),
                               {level: _label(row, level) for level in LEVELS},
                               _offset(row, "start", where), _offset(row, "end", where)))
    return rows


def locate(text: str, quote: str, hint: int = 0) -> tuple[int, int, str] | None:
    """(start, end, how) of ``quote`` in ``text``, preferring a match at or after ``hint``."""
    needle = quote.strip()
    if not needle:
        return None
    for begin in (hint, 0):
        at = text.find(needle, begin)
        if at >= 0:
            return at, at + len(needle), "exact"
    folded, where = fold(text)
    target = fold(needle)[0].strip()
    if not target:
        return None
    folded_hint = next((j for j, i in enumerate(where) if i >= hint), 0)
    for begin in (folded_hint, 0):
        at = folded.find(target, begin)
        if at >= 0:
            return where[at], where[at + len(target) - 1] + 1, "normalized"
    return None


def locate_all(quotes: list[CodedQuote], texts: dict[str, str]) -> tuple[list[Located], list[CodedQuote]]:
    """Locate every quote in its file's text; return (located, not found)."""
    found: list[Located] = []
    missing: list[CodedQuote] = []
    hints: dict[str, int] = {}
    for q in quotes:
        text = texts.get(q.file)
        if text is None:
            missing.append(q)
            continue
        if q.start >= 0 and q.end > q.start:
            if q.end > len(text):
                missing.append(q)
            else:
                found.append(Located(q, q.start, q.end, "offsets"))
            continue
        hit = locate(text, q.quote, hints.get(q.file, 0))
        if hit is None:
            missing.append(q)
            continue
        found.append(Located(q, hit[0], hit[1], hit[2]))
        hints[q.file] = hit[0]
    return found, missing


def match_files(quotes: list[CodedQuote], names: set[str]) -> list[CodedQuote]:
    """QDA programs often name a source without its extension: ``P1`` is the run's ``P1.txt``
    when exactly one analyzed file has that stem."""
    stems: dict[str, list[str]] = {}
    for name in names:
        stems.setdefault(PurePath(name).stem, []).append(name)
    out = []
    for q in quotes:
        candidates = stems.get(PurePath(q.file).stem, [])
        if q.file not in names and len(candidates) == 1:
            q = replace(q, file=candidates[0])
        out.append(q)
    return out
