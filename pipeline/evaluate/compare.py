"""Compare a run's automatic coding with human coding, character by character.

Pure: ``commands/compare`` reads the run folder, the transcripts and the coding table, and writes the
result. Scores are computed for every human level (theme, sub-theme, code) against both
automatic levels (code, theme); the details — best-matching codes, examples of agreement and
disagreement, the confusion matrix — are for ``cfg.level`` against ``cfg.auto_level``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.config import check
from pipeline.errors import E_CODING, MazmunError
from pipeline.evaluate.scoring import NONE, apply, f1_table, mapping, overlap, score
from pipeline.text.coding import LEVELS, CodedQuote, Located, locate_all
from pipeline.types import PARTICIPANT, Document

AUTO_LEVELS = ("code", "theme")


@dataclass(frozen=True)
class CompareConfig:
    level: str = "theme"  # human level shown in detail: theme | subtheme | code
    auto_level: str = "code"  # automatic level compared in detail: code | theme
    recall_f1: float = 0.5  # a human label is recalled when its mapped characters reach this F1
    n_examples: int = 2  # quotes shown per human label for agreement and for disagreement

    def __post_init__(self) -> None:
        check(self.level in LEVELS, "compare.level", "must be theme, subtheme or code")
        check(self.auto_level in AUTO_LEVELS, "compare.auto_level", "must be code or theme")
        check(0.0 < self.recall_f1 <= 1.0, "compare.recall_f1", "must be in (0, 1]")
        check(self.n_examples >= 0, "compare.n_examples", "must be ≥ 0")


@dataclass(frozen=True)
class AutoSpan:
    """A segment of the run: where it is and what the pipeline assigned ("" = unassigned)."""

    segment_id: str
    file: str
    start: int
    end: int
    code: str
    theme: str


@dataclass(frozen=True)
class Positions:
    """Participant characters of all documents, concatenated into one array index."""

    index: dict[str, np.ndarray]  # file → positions (in the file) of its participant characters
    base: dict[str, int]  # file → array index of its first participant character
    total: int

    def rows(self, file: str, start: int, end: int) -> np.ndarray:
        """Array rows of the participant characters of ``file[start:end]``."""
        pos = self.index.get(file)
        if pos is None:
            return np.zeros(0, dtype=int)
        lo, hi = np.searchsorted(pos, start), np.searchsorted(pos, end)
        return np.arange(lo, hi) + self.base[file]


@dataclass(frozen=True)
class Chars:
    """Gold and automatic label ids of every participant character, per level."""

    at: Positions
    gold: dict[str, np.ndarray]  # level → gold ids
    auto: dict[str, np.ndarray]  # level → automatic ids
    gold_names: dict[str, list[str]]
    auto_names: dict[str, list[str]]

    def rows(self, file: str, start: int, end: int) -> np.ndarray:
        return self.at.rows(file, start, end)


def positions(documents: list[Document]) -> Positions:
    index, base, total = {}, {}, 0
    for doc in documents:
        mask = np.zeros(len(doc.text), dtype=bool)
        for turn in doc.turns:
            if turn.role == PARTICIPANT:
                mask[turn.start:turn.end] = True
        index[doc.name], base[doc.name] = np.flatnonzero(mask), total
        total += len(index[doc.name])
    return Positions(index, base, total)


def paint(at: Positions, items: list[tuple[str, int, int, str]],
          names: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Label ids per character from (file, start, end, label) spans; the longest span is painted
    first, so a quote nested in another keeps its own label. Also the label names (``names``, or
    the spans' labels sorted), whose index each id is."""
    names = names if names is not None else sorted({label for *_, label in items if label})
    ids = {n: i for i, n in enumerate(names)}
    arr = np.full(at.total, NONE)
    for file, start, end, label in sorted(items, key=lambda item: item[1] - item[2]):
        if label:
            arr[at.rows(file, start, end)] = ids[label]
    return arr, names


def char_labels(documents: list[Document], located: list[Located], spans: list[AutoSpan]) -> Chars:
    at = positions(documents)
    gold = {level: paint(at, [(q.quote.file, q.start, q.end, q.quote.labels[level]) for q in located])
            for level in LEVELS}
    auto = {level: paint(at, [(s.file, s.start, s.end, getattr(s, level)) for s in spans])
            for level in AUTO_LEVELS}
    return Chars(at, {k: v[0] for k, v in gold.items()}, {k: v[0] for k, v in auto.items()},
                 {k: v[1] for k, v in gold.items()}, {k: v[1] for k, v in auto.items()})


def _majority(values: np.ndarray) -> int:
    if len(values) == 0:
        return NONE
    labels, counts = np.unique(values, return_counts=True)
    return int(labels[counts.argmax()])


def _examples(g: int, chars: Chars, located: list[Located], spans: list[AutoSpan],
              to_gold: np.ndarray, texts: dict[str, str], cfg: CompareConfig) -> dict[str, Any]:
    gold, auto = chars.gold[cfg.level], chars.auto[cfg.auto_level]
    names, auto_names = chars.gold_names[cfg.level], chars.auto_names[cfg.auto_level]
    agree: list[dict[str, Any]] = []
    disagree: list[dict[str, Any]] = []
    for q in located:
        rows = chars.rows(q.quote.file, q.start, q.end)
        if not len(rows) or _majority(gold[rows]) != g:
            continue
        got = _majority(auto[rows])
        item = {"quote_id": q.quote.quote_id, "file": q.quote.file, "start": q.start, "end": q.end,
                "quote": texts[q.quote.file][q.start:q.end],
                "auto": auto_names[got] if got >= 0 else "",
                "auto_maps_to": names[to_gold[got]] if got >= 0 and to_gold[got] >= 0 else ""}
        (agree if got >= 0 and to_gold[got] == g else disagree).append(item)
    auto_id = {name: i for i, name in enumerate(auto_names)}
    extra = []
    for s in spans:
        label = getattr(s, cfg.auto_level)
        rows = chars.rows(s.file, s.start, s.end)
        if label and len(rows) and to_gold[auto_id[label]] == g and (gold[rows] >= 0).mean() < 0.2:
            extra.append({"segment_id": s.segment_id, "file": s.file, "start": s.start, "end": s.end,
                          "quote": texts[s.file][s.start:s.end], "auto": label})
    n = cfg.n_examples
    return {"agree": agree[:n], "disagree": disagree[:n], "auto_only": extra[:n],
            "n_agree": len(agree), "n_disagree": len(disagree), "n_auto_only": len(extra)}


def _details(chars: Chars, table: np.ndarray, located: list[Located], spans: list[AutoSpan],
             texts: dict[str, str], cfg: CompareConfig) -> list[dict[str, Any]]:
    """Per human label at ``cfg.level``: its mapped and best-matching automatic labels, and
    examples. ``table`` is the overlap of the two levels compared in detail."""
    gold, auto = chars.gold[cfg.level], chars.auto[cfg.auto_level]
    names, auto_names = chars.gold_names[cfg.level], chars.auto_names[cfg.auto_level]
    to_gold = mapping(table, include_none=False)
    f1 = f1_table(gold, apply(to_gold, auto), len(names))
    out = []
    for g, name in enumerate(names):
        size = table[g].sum()
        best = []
        for a in np.argsort(-table[g, :-1], kind="stable")[:3]:
            hit = table[g, a]
            if hit == 0:
                break
            p, r = hit / table[:, a].sum(), hit / size
            best.append({"auto": auto_names[a], "precision": round(float(p), 4),
                         "recall": round(float(r), 4), "f1": round(float(2 * p * r / (p + r)), 4)})
        out.append({"label": name, "characters": int(size),
                    "unassigned": round(float(table[g, -1] / size), 4) if size else 0.0,
                    "mapped_auto": [auto_names[a] for a in np.flatnonzero(to_gold == g)],
                    "precision": round(float(f1[g, 0]), 4), "recall": round(float(f1[g, 1]), 4),
                    "f1": round(float(f1[g, 2]), 4), "recalled": bool(f1[g, 2] >= cfg.recall_f1),
                    "best_matches": best,
                    "examples": _examples(g, chars, located, spans, to_gold, texts, cfg)})
    return out


def matched_codes(chars: Chars) -> dict[str, Any]:
    """Each automatic code and the human label (at the finest level the coding has) sharing most
    of its coded characters, for label agreement; ``names``: every human label of that level."""
    level = next(lv for lv in ("code", "subtheme", "theme") if chars.gold_names[lv])
    names, auto_names = chars.gold_names[level], chars.auto_names["code"]
    to_gold = mapping(overlap(chars.gold[level], chars.auto["code"], len(names), len(auto_names)),
                      include_none=False)
    return {"level": level, "names": names,
            "pairs": [{"auto": auto_names[a], "human": names[g]} for a, g in enumerate(to_gold) if g >= 0]}


def compare(documents: list[Document], spans: list[AutoSpan], quotes: list[CodedQuote],
            cfg: CompareConfig) -> dict[str, Any]:
    """Stage function: the whole comparison as a JSON-ready dictionary."""
    texts = {d.name: d.text for d in documents}
    located, missing = locate_all(quotes, texts)
    if not located:
        what = (f"none of the {len(quotes)} human quotes was found in the transcripts" if quotes
                else "the human coding holds no coded quote")
        raise MazmunError(E_CODING, what, "check that the coding belongs to these transcripts "
                          "(file names, quotes copied verbatim, or start/end offsets)")
    chars = char_labels(documents, located, spans)
    if not chars.gold_names[cfg.level]:
        levels = [level for level in LEVELS if chars.gold_names[level]] or ["code"]
        raise MazmunError(E_CODING, f"the human coding has no {cfg.level} labels",
                          f"compare at a level it has: --level {levels[0]}")
    scores = {
        level: {auto: score(chars.gold[level], chars.auto[auto], len(chars.gold_names[level]),
                            len(chars.auto_names[auto]), cfg.recall_f1).as_dict()
                for auto in AUTO_LEVELS}
        for level in LEVELS if chars.gold_names[level]}
    gold, auto = chars.gold[cfg.level], chars.auto[cfg.auto_level]
    matrix = overlap(gold, auto, len(chars.gold_names[cfg.level]), len(chars.auto_names[cfg.auto_level]))
    hows = [q.how for q in located]
    return {
        "level": cfg.level, "auto_level": cfg.auto_level, "recall_f1": cfg.recall_f1,
        "quotes": {"total": len(quotes), "located": len(located),
                   **{h: hows.count(h) for h in ("exact", "normalized", "offsets")},
                   "not_found": [{"row": q.row, "file": q.file, "quote_id": q.quote_id,
                                  "quote": q.quote} for q in missing]},
        "characters": {"participant": int(len(gold)), "coded": int((gold >= 0).sum()),
                       "assigned": int((auto >= 0).sum())},
        "scores": scores,
        "labels": _details(chars, matrix, located, spans, texts, cfg),
        "matched_codes": matched_codes(chars),
        "matrix": {"rows": chars.gold_names[cfg.level] + ["(not coded)"],
                   "columns": chars.auto_names[cfg.auto_level] + ["(unassigned)"],
                   "characters": matrix.tolist()},
    }
