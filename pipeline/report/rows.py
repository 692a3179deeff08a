"""A unit as ``segments.csv`` holds it (a row: file, speaker, start, end, code_id …), read alike by
the report and by a run folder read back from disk: values may be numbers, as ``analyze`` writes
them, or the strings the CSV gives back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Row = Mapping[str, Any]


def number(value: Any) -> float | None:
    """A row's value as a number; None where it is none (empty, or hand-edited into words)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def participant(row: Row) -> str:
    """A participant: a speaker of a file (in an interview, the file's one interviewee)."""
    return f"{row['file']} · {row['speaker']}"


def suggested_span(row: Row) -> tuple[int, int] | None:
    """The part of the unit suggested (file offsets), when it is a part inside the unit and not
    the whole of it; None otherwise (no suggestion, a whole unit, or offsets that do not fit)."""
    start, end = str(row.get("suggested_start", "")), str(row.get("suggested_end", ""))
    if not (start.isdigit() and end.isdigit()):
        return None
    span, unit = (int(start), int(end)), (int(row["start"]), int(row["end"]))
    inside = unit[0] <= span[0] < span[1] <= unit[1]
    return span if inside and span != unit else None
