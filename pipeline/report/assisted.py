"""The report of a run analyzed with the coders' coding (``analyze --coding``): their codes, grouped
by their themes, each with the units the coders coded and the units mazmun suggests for it, and
every suggestion's quote (the part of its unit like coded talk, ``raw[suggested_start:
suggested_end]``), surest first. The report's open codes are those found in the *new* talk
(after ``mazmun report``, with the coders' codes beside them).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from pipeline.report.rows import Row, number, participant, suggested_span
from pipeline.types import HUMAN, NEW, SUGGESTED

SOURCES = (HUMAN, SUGGESTED, NEW, "uncoded")


def part(row: Row) -> str:
    """The suggested part of a unit's text; the whole unit where the row's offsets do not fit it."""
    text, span = str(row.get("text", "")), suggested_span(row)
    if span is None:
        return text
    start = int(row["start"])
    return text[span[0] - start:span[1] - start]


def summary(rows: Sequence[Row]) -> dict[str, Any] | None:
    """report.json's ``assisted``: how many units came from each source, and per coders' code its
    theme, the units the coders coded, the units suggested, their mean confidence and the
    participants; None when the run had no coding."""
    if not any(r.get("source") in (HUMAN, SUGGESTED) for r in rows):
        return None
    counts = {s: sum(1 for r in rows if (r.get("source") or "uncoded") == s) for s in SOURCES}
    codes: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get("source") in (HUMAN, SUGGESTED) and row.get("suggested_code"):
            code = codes.setdefault(str(row["suggested_code"]), {
                "theme": str(row.get("suggested_theme", "")), HUMAN: 0, SUGGESTED: 0, "people": set(),
                "sure": []})
            code[str(row["source"])] += 1
            code["people"].add(participant(row))
            sure = number(row.get("confidence"))
            if row["source"] == SUGGESTED and sure is not None:
                code["sure"].append(sure)
    return {"counts": counts, "codes": {
        name: {"theme": c["theme"], HUMAN: c[HUMAN], SUGGESTED: c[SUGGESTED],
               "confidence": round(sum(c["sure"]) / len(c["sure"]), 4) if c["sure"] else None,
               "participants": len(c["people"])}
        for name, c in sorted(codes.items(), key=lambda kv: (kv[1]["theme"], kv[0]))}}


def _suggestions(rows: Sequence[Row], code: str) -> str:
    mine = sorted((r for r in rows if r.get("source") == SUGGESTED and r.get("suggested_code") == code),
                  key=lambda r: (-(number(r.get("confidence")) or 0.0), str(r["segment_id"])))
    return "".join(f'<blockquote dir="auto">{escape(part(r))}</blockquote><p class="cite">— '
                   f'<bdi>{escape(str(r["file"]))}</bdi>, <bdi>{escape(str(r["speaker"]))}</bdi>; '
                   f"confidence {number(r.get('confidence')) or 0.0:.2f}</p>" for r in mine)


def section(assisted: dict[str, Any] | None, rows: Sequence[Row]) -> str:
    """The coders' codes applied: a row per code (by theme), each expandable to its suggestions."""
    if not assisted:
        return ""
    n = assisted["counts"]
    body = []
    for name, c in assisted["codes"].items():
        sure = f"{c['confidence']:.2f}" if c["confidence"] is not None else "—"
        quotes = _suggestions(rows, name)
        more = (f'<details><summary>Suggested quotes ({c[SUGGESTED]})</summary>{quotes}</details>'
                if quotes else "")
        body.append(f'<tr><td><bdi>{escape(c["theme"])}</bdi></td><th><bdi>{escape(name)}</bdi>{more}</th>'
                    f'<td>{c[HUMAN]}</td><td>{c[SUGGESTED]}</td><td>{sure}</td><td>{c["participants"]}</td></tr>')
    return (f'<section id="assisted"><h2>Your codes, suggested for the rest</h2><p>{n[HUMAN]} units keep '
            f"the coders' coding; {n[SUGGESTED]} are suggested one of their codes, {n[NEW]} fit none and "
            f"went on to open clustering, {n['uncoded']} are like the talk the coders left "
            f"uncoded. Accept or reject suggestions on the review page (<code>make review</code>).</p>"
            f'<div class="scroll"><table id="assisted-table"><thead><tr><th>Theme</th><th>Code</th>'
            f"<th>Coded</th><th>Suggested</th><th>Mean confidence</th><th>Participants</th></tr></thead>"
            f'<tbody>{"".join(body)}</tbody></table></div></section>')
