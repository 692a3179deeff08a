"""I/O for a human ``.qdc`` codebook: ``mazmun import-codebook RUN FILE.qdc --coder NAME`` puts its
codes on the review page as a starting point; ``mazmun compare RUN FILE.qdc`` compares the
candidate codes with it. Also the unit vectors the review page's split and these need."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import decisions as dec
from . import human_codebook as hc
from .coding import CodedQuote
from .compare_run import HUMAN_COLUMNS, read_run
from .embed import embed_texts, embedding_cache, load_embedder, unit_rows
from .errors import E_EXCHANGE, MazmunError
from .export_run import DECISIONS, DecisionLog, base_state, load_state
from .refi import read_project, read_qdc
from .run_folder import write_atomic
from .settings import Config


def embed_run_texts(texts: list[str], cfg: Config) -> np.ndarray:
    """Texts embedded with the run's own model, through the embedding cache."""
    with embedding_cache(cfg.embed) as cache:
        return embed_texts(texts, load_embedder(cfg.embed.model, cfg.embed.threads), cfg.embed, cache)[0]


def unit_vectors(units: list[dec.Unit], cfg: Config) -> np.ndarray:
    """Units' vectors (of their normalized text), centered per language as clustering does."""
    from .cluster import center_languages
    from .preprocess import normalized

    x = embed_run_texts([normalized(u.text, cfg.preprocess) for u in units], cfg)
    return center_languages(x, [u.lang for u in units], cfg.reduce.language_shrinkage)


def code_vectors(state: dec.State, cfg: Config) -> tuple[list[dec.Code], np.ndarray]:
    """Each code that has units, and the mean of its units' vectors."""
    codes = [c for c in sorted(state.codes.values(), key=lambda c: c.id) if state.members(c.id)]
    by_id = {u.segment_id: u for u in state.units}
    units = [by_id[u] for c in codes for u in state.members(c.id)]
    if not units:
        return [], np.zeros((0, 0), dtype=np.float32)
    x = unit_vectors(units, cfg)
    sizes = np.cumsum([0] + [len(state.members(c.id)) for c in codes])
    return codes, unit_rows(np.vstack([x[a:b].mean(axis=0) for a, b in zip(sizes[:-1], sizes[1:])]))


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
    from .outputs import to_csv

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
    state = load_state(run, coder)
    write_atomic(run / "human_coding.csv", codebook_csv(codes, quotes).encode("utf-8"))
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    records = hc.seed_decisions(codes, state, coder, path.name, at)
    log = DecisionLog(run / DECISIONS)
    for record in records:
        log.append(record)
    return records, _suggestions(codes, read_run(run)[1], base_state(run))


def compare_codebook(run: Path, path: Path) -> dict[str, Any]:
    """Candidate codes beside a human codebook; writes codebook_comparison.json and .md."""
    codes, _ = read_human_codebook(path)
    result = {"run": str(run), "codebook": str(path),
              **_suggestions(codes, read_run(run)[1], base_state(run))}
    write_atomic(run / "codebook_comparison.json",
                 (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    write_atomic(run / "codebook_comparison.md",
                 hc.render_markdown(result, run.name, path.name).encode("utf-8"))
    return result
