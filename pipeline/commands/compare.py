"""I/O for ``mazmun compare``: read a run folder, its transcripts and a human coding table; write
comparison.json, comparison.md and comparison.png into the run folder (each file atomically)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import E_CODING, MazmunError
from pipeline.evaluate.compare import CompareConfig, compare
from pipeline.evaluate.labels import agreement
from pipeline.evaluate.report import render_heatmap, render_markdown
from pipeline.runs.coding import read_coding
from pipeline.runs.files import check_destination, write_atomic
from pipeline.runs.folder import RunFolder
from pipeline.runs.tables import human_coding_csv
from pipeline.runs.vectors import embed_run_texts
from pipeline.text.coding import match_files

WRITES = ("human_coding.csv", "comparison.json", "comparison.md", "comparison.png")


def compare_run(run: Path, coding: Path, transcripts: Path | None, cfg: CompareConfig) -> dict[str, Any]:
    """Compare the run with the human coding; write the comparison files; return the result."""
    folder = RunFolder.read(run)
    for name in WRITES:
        check_destination(run / name)
    documents = folder.transcripts(transcripts)
    spans, names = folder.spans(), folder.names
    read, project = read_coding(coding)
    quotes = match_files(read, {d.name for d in documents})
    unknown = sorted({q.file for q in quotes} - {d.name for d in documents})
    if unknown:
        raise MazmunError(E_CODING, f"{coding.name} codes {unknown[0]}, which the run did not analyze",
                          "check the file column, or analyze the folder that holds that file")
    texts = {d.name: d.text for d in documents}
    write_atomic(run / "human_coding.csv", human_coding_csv(quotes, texts).encode("utf-8"))
    result = compare(documents, spans, quotes, cfg)
    result["label_agreement"] = agreement(result.pop("matched_codes"), names,
                                          lambda texts: embed_run_texts(texts, folder.config))
    result = {"run": str(run), "coding": str(coding), "transcripts": str(transcripts or folder.input_folder),
              **project, **result}
    title = f"{run.name}: human {cfg.level} × automatic {cfg.auto_level} (share of characters)"
    matrix = dict(result["matrix"])
    matrix["columns"] = [f"{c} {names.get(c, '')}".strip()[:30] for c in matrix["columns"]]
    data = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_atomic(run / "comparison.json", data.encode("utf-8"))
    write_atomic(run / "comparison.md", render_markdown(result, run.name, coding.name, names).encode("utf-8"))
    write_atomic(run / "comparison.png", render_heatmap(matrix, title))
    return result
