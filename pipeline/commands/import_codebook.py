"""I/O for a human ``.qdc`` codebook: ``mazmun import-codebook RUN FILE.qdc --coder NAME`` puts its
codes on the review page as a starting point; ``mazmun compare RUN FILE.qdc`` compares the
candidate codes with it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.errors import E_EXCHANGE, MazmunError
from pipeline.evaluate import codebooks as hc
from pipeline.exchange.refi import read_project, read_qdc
from pipeline.run_config import Config
from pipeline.runs.decision_log import DECISIONS
from pipeline.runs.files import check_destination, write_atomic
from pipeline.runs.folder import RunFolder
from pipeline.runs.tables import HUMAN_COLUMNS, to_csv
from pipeline.runs.vectors import code_vectors, embed_run_texts
from pipeline.text.coding import CodedQuote


def read_human_codebook(path: Path) -> tuple[list[hc.HumanCode], list[CodedQuote]]:
    """The codebook's codes, and (for a .qdpx project) its coded quotes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MazmunError(E_EXCHANGE, f"cannot read the codebook {path}: {exc.strerror}",
                          "pass a REFI-QDA codebook (.qdc) or project (.qdpx) from your QDA program") from exc
    quotes: list[CodedQuote] = []
    if path.suffix.lower() == ".qdpx":  # a project's codebook (with or without codings)
        project = read_project(data, path.name)
        codes, quotes = hc.human_codes(project.codes), project.rows
    else:
        codes = hc.human_codes(read_qdc(data, path.name))
    if not codes:
        raise MazmunError(E_EXCHANGE, f"{path} holds no codes", "export the codebook again (.qdc or .qdpx)")
    return codes, quotes


def codebook_csv(codes: list[hc.HumanCode], quotes: list[CodedQuote]) -> str:
    """human_coding.csv for an imported codebook: each coded quote the project holds, then each
    code no quote carries (file, positions and quote empty), so the import can be checked."""
    rows = [{"file": q.file, "start": "", "end": "", "found": "in the project", "quote": q.quote,
             **{level: q.labels.get(level, "") for level in ("theme", "subtheme", "code")}} for q in quotes]
    coded = {q.labels.get("code", "") for q in quotes}
    rows += [{"file": "", "start": "", "end": "", "found": "codebook only", "quote": "", "theme": c.theme,
              "subtheme": "", "code": c.label} for c in codes if c.label.split(" › ")[-1] not in coded]
    return to_csv(rows, HUMAN_COLUMNS)


def _suggestions(codes: list[hc.HumanCode], run_cfg: Config, state: dec.State) -> dict[str, Any]:
    auto, auto_x = code_vectors(state, run_cfg)
    human_x = embed_run_texts([c.text() for c in codes], run_cfg)
    return hc.compare_codebooks(codes, human_x, auto, auto_x)


def import_codebook(run: Path, path: Path, coder: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Append the codebook's themes and codes to the run's decisions as ``coder``'s; return those
    decisions and, for each human code, the candidate code nearest to it (to merge into it)."""
    codes, quotes = read_human_codebook(path)
    folder = RunFolder.read(run)
    for name in ("human_coding.csv", DECISIONS):
        check_destination(run / name)
    state = folder.state(coder)
    write_atomic(run / "human_coding.csv", codebook_csv(codes, quotes).encode("utf-8"))
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    records = hc.seed_decisions(codes, state, coder, path.name, at)
    for record in records:
        folder.log.append(record)
    return records, _suggestions(codes, folder.config, folder.base_state())


def compare_codebook(run: Path, path: Path) -> dict[str, Any]:
    """Candidate codes beside a human codebook; writes codebook_comparison.json and .md."""
    codes, _ = read_human_codebook(path)
    folder = RunFolder.read(run)
    for name in ("codebook_comparison.json", "codebook_comparison.md"):
        check_destination(run / name)
    result = {"run": str(run), "codebook": str(path),
              **_suggestions(codes, folder.config, folder.base_state())}
    write_atomic(run / "codebook_comparison.json",
                 (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    write_atomic(run / "codebook_comparison.md",
                 hc.render_markdown(result, run.name, path.name).encode("utf-8"))
    return result
