"""``mazmun report RUN``: report.html and report.json drawn again from a run folder, with the
coders' decisions replayed (every coder's in order, or one coder's), so that the pictures show
the codebook as reviewed: renamed, merged, split, moved and rejected codes, units moved by hand.
Where ``mazmun compare`` has compared the run with human coding, the report shows it too.

The map and the stability measured by ``analyze`` are kept. A code the coders left with the same
units keeps its stability; a merged, split, created or changed code has none ("not measured"),
since no clustering made it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.decisions.suggested import decided_units
from pipeline.report import page
from pipeline.report.comparison import summary
from pipeline.report.numbers import numbers, places_of
from pipeline.report.rows import Row, participant
from pipeline.runs.files import check_destination, write_atomic
from pipeline.runs.folder import RunFolder, damaged_run
from pipeline.types import HUMAN, SUGGESTED

N_QUOTES = 3  # representative quotes of a code with none of the analysis's left


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))) if path.is_file() else []


def reviewed_rows(rows: Sequence[Row], state: dec.State,
                  decided: Collection[str] = ()) -> list[dict[str, Any]]:
    """segments.csv's rows with each unit's code and theme after the decisions; a suggestion a
    coder decided (``decided``: those units) is the coders' coding now, of the code they put it in,
    or uncoded."""
    out = []
    for row in rows:
        code = state.codes.get(state.assigned.get(str(row["segment_id"]), ""))
        new = {**row, "code_id": code.id if code else "", "theme_id": code.theme if code else ""}
        if row.get("source") == SUGGESTED and row["segment_id"] in decided:
            theme = state.themes.get(code.theme) if code else None
            new.update({"source": HUMAN if code else "", "suggested_code": code.label if code else "",
                        "suggested_theme": theme.label if theme else "", "confidence": 1.0 if code else "",
                        "suggested_start": "", "suggested_end": ""})
        out.append(new)
    return out


def _quote(row: Row) -> dict[str, Any]:
    return {"segment_id": row["segment_id"], "file": row["file"], "speaker": row["speaker"],
            "quote": row["text"]}


def reviewed_book(state: dec.State, book: dict[str, Any], rows: Sequence[Row]) -> dict[str, Any]:
    """The codebook after the decisions, in codebook.json's shape: each code's representative
    quotes are the analysis's that are still its units (else its first units)."""
    by_id = {str(r["segment_id"]): r for r in rows}
    chosen = [q["segment_id"] for c in book.get("codes", []) for q in c.get("exemplars", [])]
    codes = []
    for code in sorted(state.codes.values(), key=lambda c: (c.theme, c.id)):
        members = state.members(code.id)
        inside = set(members)
        quotes = ([s for s in chosen if s in inside] or members)[:N_QUOTES]
        codes.append({"code_id": code.id, "label": code.label, "theme_id": code.theme,
                      "definition": code.definition, "keywords": list(code.keywords), "size": len(members),
                      "participants": len({participant(by_id[s]) for s in members}),
                      "exemplars": [_quote(by_id[s]) for s in quotes]})
    themes = []
    for theme in sorted(state.themes.values(), key=lambda t: t.id):
        mine = [c.id for c in state.codes.values() if c.theme == theme.id]
        units = {s for c in mine for s in state.members(c)}
        themes.append({"theme_id": theme.id, "label": theme.label, "code_ids": sorted(mine),
                       "size": len(units), "participants": len({participant(by_id[s]) for s in units})})
    return {"themes": [t for t in themes if t["code_ids"]], "codes": codes}


def _kept_stability(before: dict[str, Any], rows: Sequence[Row], after: Sequence[Row]) -> dict[str, Any]:
    """The analysis's stability, for the codes whose units the decisions left as they were."""
    def members(table: Sequence[Row]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in table:
            out.setdefault(str(r["code_id"]), set()).add(str(r["segment_id"]))
        return out

    old, new = members(rows), members(after)
    codes = {c: v for c, v in before.get("codes", {}).items() if c and old.get(c) == new.get(c)}
    return {**before, "codes": codes} if before else {"runs": 0, "ari": 0.0, "found_at": 0.5, "codes": {}}


def report_files(run: RunFolder, coder: str | None = None) -> dict[str, bytes]:
    """report.json and report.html of ``run`` with the decisions (``coder``'s only, when given)."""
    state = run.state(coder)
    with damaged_run(run.path):
        rows = _csv(run.path / "segments.csv")
        before = json.loads((run.path / "report.json").read_text(encoding="utf-8")) \
            if (run.path / "report.json").is_file() else {}
        decided = run.decisions(coder)
        after = reviewed_rows(rows, state, decided_units(decided))
        book = reviewed_book(state, run.codebook or {}, after)
        manifest = {**run.manifest, "counts": {**run.manifest.get("counts", {}), "codes": len(book["codes"]),
                                               "themes": len(book["themes"])}}
        compared = run.path / "comparison.json"
        human = summary(json.loads(compared.read_text(encoding="utf-8"))) if compared.is_file() else None
        found = numbers(manifest, after, _csv(run.path / "dropped.csv"), places_of(before.get("map")),
                        _kept_stability(before.get("stability", {}), rows, after), run.config.report, human)
        coders = sorted({d["coder"] for d in decided})
        found["overview"]["decisions"] = {"count": len(decided), "coders": coders,
                                          "not_applied": list(state.problems)}
        title = f"{Path(str(run.manifest.get('input', run.path))).name} (reviewed)"
        html = page.render(title, found, book, after)
    return {"report.json": (json.dumps(found, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
            "report.html": html.encode("utf-8")}


def report_run(path: Path, coder: str | None = None) -> dict[str, Any]:
    """Write the run's report.json and report.html again; their overview."""
    run = RunFolder.read(path)
    for name in ("report.json", "report.html"):
        check_destination(run.path / name)
    files = report_files(run, coder)
    for name, data in files.items():
        write_atomic(run.path / name, data)
    return json.loads(files["report.json"])["overview"]
