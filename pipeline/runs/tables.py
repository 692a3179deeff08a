"""Render a run's results as file contents (pure: strings and bytes; ``runs.files`` writes them)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pipeline.stages.codebook import Codebook, Entry
from pipeline.stages.suggest import Suggested, Suggestion
from pipeline.text.coding import CodedQuote, locate_all
from pipeline.text.timemarks import clock, time_at
from pipeline.types import HUMAN, SUGGESTED, Dropped, Mark, Segment

SEGMENT_COLUMNS = ("segment_id", "file", "speaker", "lang", "start", "end", "time", "text",
                   "code_id", "theme_id", "probability", "doubt")
# With ``analyze --coding``: the coders' code and theme for each unit, how sure, where it comes
# from (human | suggested | new; empty for uncoded talk), the part of the unit suggested (file
# offsets), the code next closest and by how much, and the coders' units most like it.
SUGGEST_COLUMNS = ("suggested_code", "suggested_theme", "suggested_start", "suggested_end", "confidence",
                   "alternative_code", "margin", "source", "evidence")


def segment_columns(suggested: Suggested | None) -> tuple[str, ...]:
    return SEGMENT_COLUMNS + (SUGGEST_COLUMNS if suggested and suggested.suggestions else ())


def _suggestion(s: Suggestion, unit: Segment, segments: tuple[Segment, ...]) -> dict[str, Any]:
    suggested = s.source == SUGGESTED
    start, end = s.part(unit.start, unit.end) if suggested else ("", "")
    return {"suggested_code": s.code, "suggested_theme": s.theme,
            "suggested_start": start, "suggested_end": end,
            "alternative_code": s.alternative if suggested else "",
            "margin": s.margin if suggested and s.alternative else "",
            "confidence": s.confidence if s.source in (HUMAN, SUGGESTED) else "", "source": s.source,
            "evidence": " ".join(segments[i].segment_id for i in s.evidence)}


def segment_rows(segments: tuple[Segment, ...], book: Codebook,
                 marks: dict[str, tuple[Mark, ...]] | None = None,
                 suggested: Suggested | None = None) -> list[dict[str, Any]]:
    """One row per unit; ``time``: in the recording, from the nearest time mark before the unit
    (``marks``: each file's; "" where the transcript has none); with the coders' coding, the
    suggestion for each unit (``SUGGEST_COLUMNS``)."""
    marks = marks or {}
    rows = [{"segment_id": s.segment_id, "file": s.file, "speaker": s.speaker, "lang": s.lang,
             "start": s.start, "end": s.end, "time": clock(time_at(marks.get(s.file, ()), s.start)),
             "text": s.text, "code_id": a.code_id,
             "theme_id": a.theme_id, "probability": a.probability if a.code_id else "",
             "doubt": s.doubt}
            for s, a in zip(segments, book.assignments)]
    for row, unit, found in zip(rows, segments, suggested.suggestions if suggested else ()):
        row.update(_suggestion(found, unit, segments))
    return rows


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def segments_parquet(rows: list[dict[str, Any]], columns: tuple[str, ...] = SEGMENT_COLUMNS) -> bytes:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns))
    for number in {"probability", "confidence", "margin"} & set(columns):
        frame[number] = pd.to_numeric(frame[number], errors="coerce")
    for offset in {"suggested_start", "suggested_end"} & set(columns):  # empty where nothing is suggested
        frame[offset] = pd.to_numeric(frame[offset], errors="coerce").astype("Int64")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def dropped_csv(dropped: tuple[Dropped, ...]) -> str:
    columns = ("file", "speaker", "start", "end", "text", "reason")
    return to_csv([{c: getattr(d, c) for c in columns} for d in dropped], columns)


def _quotes(entry: Entry, by_id: dict[str, Segment]) -> list[dict[str, Any]]:
    return [{"segment_id": i, "file": by_id[i].file, "speaker": by_id[i].speaker,
             "quote": by_id[i].text} for i in entry.exemplars]


def _entry_json(entry: Entry, by_id: dict[str, Segment], kind: str) -> dict[str, Any]:
    data = {f"{kind}_id": entry.id, "label": entry.label, "keywords": list(entry.keywords),
            "keyphrases": list(entry.keyphrases), "size": entry.size,
            "participants": entry.participants, "languages": dict(entry.languages),
            "exemplars": _quotes(entry, by_id)}
    if kind == "code":
        data["theme_id"] = entry.parent
    else:
        data["code_ids"] = list(entry.children)
    return data


def codebook_json(book: Codebook, segments: tuple[Segment, ...]) -> str:
    by_id = {s.segment_id: s for s in segments}
    data = {
        "themes": [_entry_json(t, by_id, "theme") for t in book.themes],
        "codes": [_entry_json(c, by_id, "code") for c in book.codes],
        "unassigned": [s.segment_id for s, a in zip(segments, book.assignments) if not a.code_id],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def codebook_csv(book: Codebook, segments: tuple[Segment, ...], n_quotes: int = 3) -> str:
    """One row per code, with its ``n_quotes`` representative quotes (``labels.n_quotes``)."""
    by_id = {s.segment_id: s for s in segments}
    theme_label = {t.id: t.label for t in book.themes}
    quote_columns = tuple(f"quote_{i + 1}" for i in range(n_quotes))
    columns = ("code_id", "theme_id", "theme_label", "label", "keywords", "keyphrases", "size",
               "participants", "exemplar_ids", *quote_columns)
    rows = []
    for code in book.codes:
        quotes = [by_id[i].text for i in code.exemplars] + [""] * n_quotes
        rows.append({"code_id": code.id, "theme_id": code.parent, "theme_label": theme_label[code.parent],
                     "label": code.label, "keywords": "; ".join(code.keywords),
                     "keyphrases": "; ".join(code.keyphrases), "size": code.size,
                     "participants": code.participants, "exemplar_ids": " ".join(code.exemplars),
                     **dict(zip(quote_columns, quotes))})
    return to_csv(rows, columns)


HUMAN_COLUMNS = ("file", "start", "end", "found", "quote", "theme", "subtheme", "code")


def human_coding_csv(quotes: list[CodedQuote], texts: dict[str, str]) -> str:
    """What was read from the human coding, a row per coded quote, with where it was found in
    the run's transcripts (``found``: exact, normalized, offsets, or "not found"), so that the
    import can be checked line by line."""
    located, _ = locate_all(quotes, texts)
    where = {id(x.quote): x for x in located}
    rows = []
    for q in quotes:
        hit = where.get(id(q))
        rows.append({"file": q.file, "start": hit.start if hit else "", "end": hit.end if hit else "",
                     "found": hit.how if hit else "not found", "quote": q.quote,
                     **{level: q.labels.get(level, "") for level in ("theme", "subtheme", "code")}})
    return to_csv(rows, HUMAN_COLUMNS)
