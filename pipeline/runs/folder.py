"""A run folder, read once into one typed object: its manifest, config, meaning units and the code
each was given, codebook and decisions. Every command and the review server read runs through it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.decisions import log as dec
from pipeline.decisions.suggested import with_coders_codes
from pipeline.errors import E_CARRY, E_RUN, MazmunError
from pipeline.evaluate.compare import AutoSpan
from pipeline.report.rows import number, suggested_span
from pipeline.run_config import Config, from_mapping
from pipeline.runs.decision_log import DECISIONS, DecisionLog, read_decisions
from pipeline.runs.sources import read_transcripts
from pipeline.stages.suggest import Suggestion
from pipeline.types import Document

REQUIRED = ("manifest.json", "segments.csv", "config.yaml")


@contextmanager
def damaged_run(run: Path) -> Iterator[None]:
    """A run folder's file that cannot be parsed is one coded line (E502), not a traceback."""
    try:
        yield
    except (OSError, ValueError, KeyError, TypeError, AttributeError, csv.Error, yaml.YAMLError) as exc:
        first = (str(exc).splitlines() or [""])[0][:120]
        raise MazmunError(E_RUN, f"run folder {run} is damaged ({type(exc).__name__}: {first})",
                          "analyze the transcripts again into a new folder") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MazmunError(E_RUN, f"cannot read {path}: {exc}",
                          "pass a run folder written by 'mazmun analyze'") from exc


def _suggestions(rows: list[dict[str, str]]) -> tuple[Suggestion, ...]:
    """The suggestion columns of segments.csv (a run analyzed with ``--coding``)."""
    if not rows or "source" not in rows[0]:
        return ()
    index = {r["segment_id"]: i for i, r in enumerate(rows)}
    return tuple(Suggestion(r["suggested_code"], r["suggested_theme"], number(r["confidence"]) or 0.0,
                            r["source"], tuple(index[e] for e in r["evidence"].split() if e in index),
                            suggested_span(r), r.get("alternative_code", ""),
                            number(r.get("margin", "")) or 0.0)
                 for r in rows)


@dataclass(frozen=True)
class RunFolder:
    """What ``mazmun analyze`` wrote into ``path``."""

    path: Path
    manifest: dict[str, Any]
    config: Config
    units: tuple[dec.Unit, ...]  # the rows of segments.csv, in order
    codes: dict[str, str]  # segment_id → the code it was given ("" for none)
    themes: dict[str, str]  # segment_id → that code's theme
    codebook: dict[str, Any] | None  # codebook.json (None in a run without one)
    suggestions: tuple[Suggestion, ...] = ()  # per unit, with ``analyze --coding`` (else none)

    @classmethod
    def read(cls, path: Path) -> RunFolder:
        if not all((path / name).is_file() for name in REQUIRED):
            raise MazmunError(E_RUN, f"{path} is not a mazmun run folder (no manifest.json, segments.csv "
                              "or config.yaml)",
                              "pass the folder printed by 'make analyze', e.g. runs/sample-…")
        with damaged_run(path):
            manifest = _read_json(path / "manifest.json")
            cfg = from_mapping(yaml.safe_load((path / "config.yaml").read_text(encoding="utf-8")) or {})
            rows = list(csv.DictReader(io.StringIO((path / "segments.csv").read_text(encoding="utf-8"))))
            units = tuple(dec.Unit(r["segment_id"], r["file"], r["speaker"], int(r["start"]), int(r["end"]),
                                   r["text"], r.get("lang", "")) for r in rows)
            codes = {r["segment_id"]: r["code_id"] for r in rows}
            themes = {r["segment_id"]: r["theme_id"] for r in rows}
            book = _read_json(path / "codebook.json") if (path / "codebook.json").is_file() else None
            return cls(path, manifest, cfg, units, codes, themes, book, _suggestions(rows))

    @property
    def names(self) -> dict[str, str]:
        """The label of each code and theme, by id."""
        book = self.codebook or {}
        names = {e["code_id"]: e["label"] for e in book.get("codes", [])}
        names.update({e["theme_id"]: e["label"] for e in book.get("themes", [])})
        return names

    @property
    def input_folder(self) -> Path:
        return Path(self.manifest.get("input", ""))

    @property
    def inputs(self) -> dict[str, Any]:
        """The analyzed files and their hashes."""
        return self.manifest.get("inputs", {})

    def spans(self) -> list[AutoSpan]:
        """The units as compare reads them: where each is and what it was assigned."""
        return [AutoSpan(u.segment_id, u.file, u.start, u.end, self.codes[u.segment_id],
                         self.themes[u.segment_id]) for u in self.units]

    def transcripts(self, folder: Path | None = None) -> list[Document]:
        """The run's transcripts (from ``folder``, else where the run read them), checked
        against the hashes it recorded."""
        return read_transcripts(folder or self.input_folder, self.manifest, self.config.ingest)

    def base_state(self) -> dec.State:
        """The candidate codebook, before any coder's decision (with ``--coding``, the coders'
        own codes too, holding the units they coded)."""
        if self.codebook is None:
            raise MazmunError(E_RUN, f"{self.path} has no codebook.json", "analyze the transcripts again")
        with damaged_run(self.path):
            return with_coders_codes(dec.initial_state(list(self.units), self.codes, self.codebook),
                                     self.suggestions)

    @property
    def log(self) -> DecisionLog:
        return DecisionLog(self.path / DECISIONS)

    def decisions(self, coder: str | None = None) -> list[dict[str, Any]]:
        """The decisions log (only ``coder``'s, when given), in order."""
        return [d for d in self.log.read() if coder is None or d["coder"] == coder]

    def state(self, coder: str | None = None) -> dec.State:
        """The codebook with the decisions replayed (only ``coder``'s, when given)."""
        return dec.apply(self.base_state(), self.decisions(coder))


@dataclass(frozen=True)
class Previous:
    """An earlier run whose coders' decisions ``analyze --decisions`` carries over."""

    run: RunFolder
    base: dec.State
    decisions: list[dict[str, Any]]


def read_previous(path: Path) -> Previous:
    """``path``: a reviewed run folder, or its decisions.jsonl."""
    folder, log = (path, path / DECISIONS) if path.is_dir() else (path.parent, path)
    if not log.is_file():
        raise MazmunError(E_CARRY, f"--decisions {path}: no {log.name} there",
                          "pass a reviewed run folder, or its decisions.jsonl")
    run = RunFolder.read(folder)
    return Previous(run, run.base_state(), read_decisions(log))
