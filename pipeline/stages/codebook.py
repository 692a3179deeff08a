"""Candidate codebook: codes (clusters) grouped into themes, with label suggestions and verbatim
quotes. Identifiers are stable for a given input and config: themes T1… by size, codes C01…
by theme, then size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.stages import labels as lab
from pipeline.stages.hierarchy import HierarchyConfig, code_themes
from pipeline.stages.labels import LabelConfig
from pipeline.types import Segment


@dataclass(frozen=True)
class Entry:
    """A code or a theme."""

    id: str
    label: str
    keywords: tuple[str, ...]
    keyphrases: tuple[str, ...]
    exemplars: tuple[str, ...]  # segment ids, most representative first
    size: int
    participants: int
    languages: tuple[tuple[str, int], ...]
    parent: str = ""  # a code's theme id
    children: tuple[str, ...] = ()  # a theme's code ids


@dataclass(frozen=True)
class Assignment:
    code_id: str
    theme_id: str
    probability: float


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Entry, ...]
    codes: tuple[Entry, ...]
    assignments: tuple[Assignment, ...]  # one per segment, in segment order

    @property
    def unassigned(self) -> int:
        return sum(1 for a in self.assignments if not a.code_id)


def _order(labels: np.ndarray, themes: np.ndarray,
           segments: tuple[Segment, ...]) -> tuple[list[int], list[int]]:
    """Order of themes (by size) and of codes (by theme, size, first unit)."""
    n_codes = len(themes)
    size = [int((labels == c).sum()) for c in range(n_codes)]
    first = [min(segments[i].segment_id for i in np.flatnonzero(labels == c)) for c in range(n_codes)]
    theme_size = {t: sum(size[c] for c in range(n_codes) if themes[c] == t) for t in set(themes)}
    theme_first = {t: min(first[c] for c in range(n_codes) if themes[c] == t) for t in set(themes)}
    theme_order = sorted(theme_size, key=lambda t: (-theme_size[t], theme_first[t]))
    rank = {t: i for i, t in enumerate(theme_order)}
    code_order = sorted(range(n_codes), key=lambda c: (rank[themes[c]], -size[c], first[c]))
    return theme_order, code_order


def _entry(ident: str, members: list[int], x: np.ndarray, segments: tuple[Segment, ...],
           words: tuple[list[str], list[str]], cfg: LabelConfig, **links) -> Entry:
    langs: dict[str, int] = {}
    for i in members:
        langs[segments[i].lang] = langs.get(segments[i].lang, 0) + 1
    say = lab.as_said([(segments[i].tokens, segments[i].forms) for i in members], words[0] + words[1])
    return Entry(ident, lab.suggest_label(words[0], words[1], cfg, say), tuple(lab.said(words[0], say)),
                 tuple(lab.said(words[1], say)),
                 tuple(segments[i].segment_id for i in lab.representatives(x, members, cfg.n_quotes)),
                 len(members), len({(segments[i].file, segments[i].speaker) for i in members}),
                 tuple(sorted(langs.items())), **links)


def build_codebook(segments: tuple[Segment, ...], x: np.ndarray, labels: np.ndarray, probs: np.ndarray,
                   hcfg: HierarchyConfig, lcfg: LabelConfig) -> Codebook:
    """Codes from cluster labels, themes from the code hierarchy, labels."""
    return label_codes(segments, x, labels, probs, code_themes(x, labels, hcfg), lcfg)


def label_codes(segments: tuple[Segment, ...], x: np.ndarray, labels: np.ndarray, probs: np.ndarray,
                themes: np.ndarray, lcfg: LabelConfig) -> Codebook:
    """Stage function (labels): the codebook of codes (cluster labels) grouped in ``themes``, each
    with suggested labels, keywords and representative quotes; and each unit's code."""
    n_codes = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    if n_codes == 0:
        return Codebook((), (), tuple(Assignment("", "", 0.0) for _ in segments))
    theme_order, code_order = _order(labels, themes, segments)
    code_id = {c: f"C{i + 1:02d}" for i, c in enumerate(code_order)}
    theme_id = {t: f"T{i + 1}" for i, t in enumerate(theme_order)}
    code_members = [list(np.flatnonzero(labels == c)) for c in code_order]
    theme_members = [sorted(i for c in code_order if themes[c] == t for i in np.flatnonzero(labels == c))
                     for t in theme_order]
    code_words = lab.keywords([[segments[i].tokens for i in m] for m in code_members], lcfg)
    theme_words = lab.keywords([[segments[i].tokens for i in m] for m in theme_members], lcfg)
    codes = tuple(_entry(code_id[c], m, x, segments, w, lcfg, parent=theme_id[themes[c]])
                  for c, m, w in zip(code_order, code_members, code_words))
    theme_entries = tuple(
        _entry(theme_id[t], m, x, segments, w, lcfg,
               children=tuple(code_id[c] for c in code_order if themes[c] == t))
        for t, m, w in zip(theme_order, theme_members, theme_words))
    assignments = tuple(
        Assignment(code_id[int(c)], theme_id[themes[int(c)]], round(float(p), 4)) if c >= 0
        else Assignment("", "", 0.0) for c, p in zip(labels, probs))
    return Codebook(theme_entries, codes, assignments)
