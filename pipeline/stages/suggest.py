"""Assisted coding (issue 18, first part): the coders' own codes suggested for the units they have
not coded, learned from the units they have.

A coder who codes a few interviews leaves two kinds of evidence: the units they coded (a code,
and its theme) and the talk they left uncoded. Each other unit is judged in two steps, as a
coder reads: is this codable talk at all (a vote of its nearest taught units, coded or not), and
if so, which of their themes, then which code of that theme (the nearest centroid of the
coders' units, in the space the units are clustered in). The confidence is the share of its
nearest coded units that carry the suggested theme; the evidence, the most similar units the
coders gave that code.

Not yet in ``flow.STAGES``: ``make bench-assist`` calls it on the analyze stages' space; the
command line (``analyze --coding``) comes next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.vectors import unit_rows

HUMAN, SUGGESTED = "human", "suggested"


@dataclass(frozen=True)
class SuggestConfig:
    k: int = 7  # nearest taught units that vote on codable or not, and give the confidence
    min_codable: float = 0.5  # share of coded units among those k above which a unit is codable
    n_evidence: int = 3  # most similar coded units of the suggested code shown with it

    def __post_init__(self) -> None:
        check(self.k >= 1, "suggest.k", "must be ≥ 1")
        check(0.0 <= self.min_codable <= 1.0, "suggest.min_codable", "must be in [0, 1]")
        check(self.n_evidence >= 0, "suggest.n_evidence", "must be ≥ 0")


@dataclass(frozen=True)
class Suggestion:
    code: str  # the coders' code ("" for uncoded talk)
    theme: str
    confidence: float  # 1.0 for the coders' own coding
    source: str  # human | suggested | "" (uncoded)
    evidence: tuple[int, ...] = ()  # indices of the coders' units most like it


def _centroids(x: np.ndarray, labels: list[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(labels))
    return names, unit_rows(np.vstack([x[[i for i, lab in enumerate(labels) if lab == n]].mean(axis=0)
                                       for n in names]))


@dataclass(frozen=True)
class _Taught:
    """What the coders' units teach, computed once: which are coded, and the centroids of their
    themes and of each theme's codes."""

    x: np.ndarray
    taught: list[int]
    codes: dict[int, str]
    theme_of: dict[str, str]
    themes: tuple[list[str], np.ndarray]
    by_theme: dict[str, tuple[list[int], list[str], np.ndarray]]

    @classmethod
    def of(cls, x: np.ndarray, taught: dict[int, str], theme_of: dict[str, str]) -> _Taught:
        codes = {i: c for i, c in sorted(taught.items()) if c}
        coded = list(codes)
        themes = _centroids(x[coded], [theme_of[codes[i]] for i in coded])
        by_theme = {}
        for theme in themes[0]:
            within = [i for i in coded if theme_of[codes[i]] == theme]
            by_theme[theme] = (within, *_centroids(x[within], [codes[i] for i in within]))
        return cls(x, sorted(taught), codes, theme_of, themes, by_theme)

    def judge(self, v: np.ndarray, cfg: SuggestConfig) -> Suggestion:
        sims = self.x[self.taught] @ v
        nearest = [self.taught[i] for i in np.argsort(-sims)[:cfg.k]]
        learned_uncoded = len(self.codes) < len(self.taught)
        if learned_uncoded and sum(i in self.codes for i in nearest) / len(nearest) <= cfg.min_codable:
            return Suggestion("", "", 0.0, "")
        theme = self.themes[0][int((self.themes[1] @ v).argmax())]
        within, names, centres = self.by_theme[theme]
        code = names[int((centres @ v).argmax())]
        coded = [i for i in nearest if i in self.codes] or \
            sorted(self.codes, key=lambda i: -float(self.x[i] @ v))[:cfg.k]
        agree = sum(self.theme_of[self.codes[i]] == theme for i in coded) / len(coded)
        examples = sorted((i for i in within if self.codes[i] == code), key=lambda i: -float(self.x[i] @ v))
        return Suggestion(code, theme, round(agree, 4), SUGGESTED, tuple(examples[:cfg.n_evidence]))


def suggest(x: np.ndarray, taught: dict[int, str], theme_of: dict[str, str],
            cfg: SuggestConfig) -> list[Suggestion]:
    """A suggestion for every unit (rows of ``x``, unit vectors). ``taught``: the coders' units,
    index → their code ("" where they left the talk uncoded); ``theme_of``: code → theme. The
    coders' units keep exactly their coding; with no coded unit nothing is suggested."""
    model = _Taught.of(x, taught, theme_of) if any(taught.values()) else None
    out = []
    for i in range(len(x)):
        if i in taught:
            code = taught[i]
            out.append(Suggestion(code, theme_of.get(code, ""), 1.0, HUMAN if code else ""))
        else:
            out.append(model.judge(x[i], cfg) if model else Suggestion("", "", 0.0, ""))
    return out
