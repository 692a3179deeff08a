"""Assisted coding (issue 18): the coders' own codes suggested for the units they have not coded,
learned from the units they have.

A coder who codes a few interviews leaves two kinds of evidence: the units they coded (a code,
and its theme) and the talk they left uncoded. Each other unit is judged in steps, as a coder
reads: is this codable talk at all (a vote of its nearest taught units, coded or not); does it
fit any of their codes (is it as like some coded unit as coded units are like each other across
files); if so, which of their codes, and so which theme: the code whose prototype is nearest, in
the space the units are clustered in. A prototype is the centroid of the code's units drawn toward
its theme's centroid, as if the theme lent it a few units: a code coded once or twice stands for
its theme, one coded many times for itself. The confidence is the share of its nearest coded
units that carry the suggested theme; the evidence, the most similar units the coders gave that
code. Codable units that fit no code are *new*: they go on to open clustering, so that codes the
coders have not met yet can still emerge.

Coders highlight the part of a turn that carries meaning, not the "well, as I said" around it.
So a suggestion covers the unit's sentences from the first to the last that is like coded talk:
whose nearest sentences in the coded files are coded at least as often as those files' sentences
are, or at least half of them (a vote corrected for how much of the talk the coders coded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from pipeline.config import check
from pipeline.errors import E_CODING, MazmunError
from pipeline.text.coding import CodedQuote, Located, locate_all, match_files
from pipeline.types import HUMAN, NEW, SUGGESTED, Corpus, ProcessedTurn, Segment
from pipeline.vectors import unit_rows

Span = tuple[str, int, int]  # file, start, end


@dataclass(frozen=True)
class SuggestConfig:
    k: int = 7  # nearest taught units that vote on codable or not, and give the confidence
    min_codable: float = 0.5  # share of coded units among those k above which a unit is codable
    new_quantile: float = 0.05  # a unit less like every coded unit than this share of coded units
    # are like their nearest coded unit in another file fits no code: it is new (0: never new)
    n_evidence: int = 3  # most similar coded units of the suggested code shown with it
    lent: float = 7.0  # a code's prototype is its units' centroid drawn toward its theme's, as if
    # the theme lent it this many units: a code with few units stands for its theme (0: codes alone)
    trim: bool = True  # a suggestion covers the unit's sentences that are like coded talk (from
    # the first to the last of them); false: always the whole unit

    def __post_init__(self) -> None:
        check(self.k >= 1, "suggest.k", "must be ≥ 1")
        check(0.0 <= self.min_codable <= 1.0, "suggest.min_codable", "must be in [0, 1]")
        check(0.0 <= self.new_quantile < 1.0, "suggest.new_quantile", "must be in [0, 1)")
        check(self.n_evidence >= 0, "suggest.n_evidence", "must be ≥ 0")
        check(0.0 <= self.lent < float("inf"), "suggest.lent", "must be ≥ 0 and finite")


@dataclass(frozen=True)
class Coding:
    """Human coding that teaches the suggestions, as read from the coders' file."""

    source: str  # the file it came from (for messages and the manifest)
    quotes: tuple[CodedQuote, ...]  # coded quotes, located in the transcripts by the stage
    covered: frozenset[str] | None = None  # files coded through (their other talk is uncoded);
    # None: every file with a coded quote
    uncoded: tuple[Span, ...] = ()  # talk a coder marked uncoded
    examples: tuple[tuple[str, str, str], ...] = ()  # a codebook's codes: (code, theme, description)


@dataclass(frozen=True)
class Suggestion:
    code: str  # the coders' code ("" for uncoded talk, and for new)
    theme: str
    confidence: float  # 1.0 for the coders' own coding
    source: str  # human | suggested | new | "" (uncoded)
    evidence: tuple[int, ...] = ()  # indices of the coders' units most like it
    span: tuple[int, int] | None = None  # the part of the unit suggested (file offsets); None: all
    alternative: str = ""  # the coders' code next closest to the unit, after the suggested one
    margin: float = 0.0  # how much nearer the suggested code's prototype is than the alternative's

    def part(self, start: int, end: int) -> tuple[int, int]:
        """The part of the unit ``start``–``end`` (file offsets) suggested: ``span``, or all of it."""
        return self.span or (start, end)


@dataclass(frozen=True)
class Suggested:
    """The stage's output: one suggestion per unit (none without coding), and the quotes read."""

    n_units: int
    suggestions: tuple[Suggestion, ...] = ()
    located: int = 0
    missing: tuple[CodedQuote, ...] = ()
    source: str = ""
    theme_of: dict[str, str] = field(default_factory=dict)  # the coders' codes → their themes
    examples: int = 0  # units taken as a codebook's example of a code

    @property
    def open(self) -> np.ndarray:
        """The units open clustering looks at: all of them without coding, else the new ones."""
        if not self.suggestions:
            return np.ones(self.n_units, dtype=bool)
        return np.array([s.source == NEW for s in self.suggestions], dtype=bool)

    @property
    def in_part(self) -> int:
        """Suggestions that cover part of their unit (its sentences like coded talk)."""
        return sum(s.span is not None for s in self.suggestions)

    def counts(self) -> dict[str, int]:
        found = Counter(s.source or "uncoded" for s in self.suggestions)
        return {k: found.get(k, 0) for k in (HUMAN, SUGGESTED, NEW, "uncoded")}


def code_and_theme(labels: dict[str, str]) -> tuple[str, str]:
    """A coded quote's code, and its theme: the finest and the broadest level the coders gave."""
    levels = [labels.get(level, "") for level in ("code", "subtheme", "theme")]
    present = [v for v in levels if v]
    return (present[0], present[-1]) if present else ("", "")


def taught_units(units: list[Span], located: list[Located], uncoded: tuple[Span, ...],
                 covered: set[str]) -> dict[int, str]:
    """The units (or sentences: any spans) the coders' coding decides: index → the code of the
    coded span most of the unit lies in, or "" when most of it lies in talk they left uncoded (in
    a file they coded through, or marked uncoded)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for q in located:
        spans.setdefault(q.quote.file, []).append((q.start, q.end, code_and_theme(q.quote.labels)[0]))
    for file, start, end in uncoded:
        spans.setdefault(file, []).append((start, end, ""))
    out = {}
    for i, (file, u_start, u_end) in enumerate(units):
        chars = np.full(u_end - u_start, None, dtype=object)
        for start, end, code in spans.get(file, ()):
            chars[max(start, u_start) - u_start:max(min(end, u_end) - u_start, 0)] = code
        if file in covered:
            chars[chars == None] = ""  # noqa: E711 (element-wise)
        top = Counter(chars.tolist()).most_common(1)
        if top and top[0][0] is not None:
            out[i] = top[0][0]
    return out


def _centroids(x: np.ndarray, labels: list[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(labels))
    return names, unit_rows(np.vstack([x[[i for i, lab in enumerate(labels) if lab == n]].mean(axis=0)
                                       for n in names]))


def _fit_floor(x: np.ndarray, coded: list[int], files: list[str], quantile: float) -> float:
    """How like the nearest coded unit a unit must be to fit some code: the ``quantile`` of the
    coded units' similarity to their nearest coded unit in another file. Units of one file are
    alike beyond their codes (one person, one conversation), so with a single coded file there
    is no floor and nothing is new."""
    if quantile <= 0 or len(coded) < 2:
        return -np.inf
    sims = x[coded] @ x[coded].T
    owner = np.array([files[i] for i in coded], dtype=object)
    sims = np.where(owner[:, None] != owner[None, :], sims, -np.inf)
    nearest = sims.max(axis=1)
    nearest = nearest[np.isfinite(nearest)]
    return float(np.quantile(nearest, quantile)) if len(nearest) else -np.inf


def prototypes(x: np.ndarray, codes: dict[int, str], theme_of: dict[str, str],
               lent: float) -> tuple[list[str], np.ndarray]:
    """Each code's prototype (rows of ``x``: the coders' units, ``codes``: unit → code): the
    centroid of its units drawn toward its theme's centroid, as if the theme lent it ``lent``
    units. A code with a quote or two stands for its theme; one with many units for itself."""
    coded = list(codes)
    names, centres = _centroids(x[coded], [codes[i] for i in coded])
    themes, theme_centres = _centroids(x[coded], [theme_of[codes[i]] for i in coded])
    n = Counter(codes.values())
    drawn = [(n[c] * centre + lent * theme_centres[themes.index(theme_of[c])]) / (n[c] + lent)
             for c, centre in zip(names, centres)]
    return names, unit_rows(np.vstack(drawn))


@dataclass(frozen=True)
class _Taught:
    """What the coders' units teach, computed once: which are coded, their codes' prototypes,
    and how like a coded unit a unit must be to fit a code."""

    x: np.ndarray
    taught: list[int]
    codes: dict[int, str]
    theme_of: dict[str, str]
    prototypes: tuple[list[str], np.ndarray]
    floor: float

    @classmethod
    def of(cls, x: np.ndarray, taught: dict[int, str], theme_of: dict[str, str], files: list[str],
           cfg: SuggestConfig) -> _Taught:
        codes = {i: c for i, c in sorted(taught.items()) if c}
        return cls(x, sorted(taught), codes, theme_of, prototypes(x, codes, theme_of, cfg.lent),
                   _fit_floor(x, list(codes), files, cfg.new_quantile))

    def nearest_codes(self, v: np.ndarray) -> tuple[str, str, float]:
        """The code whose prototype is nearest ``v``, the next nearest ("" when there is one code),
        and by how much the first is nearer."""
        names, centres = self.prototypes
        sims = centres @ v
        order = np.argsort(-sims)
        if len(order) < 2:
            return names[order[0]], "", 1.0
        return names[order[0]], names[order[1]], round(float(sims[order[0]] - sims[order[1]]), 4)

    def judge(self, v: np.ndarray, cfg: SuggestConfig) -> Suggestion:
        sims = self.x[self.taught] @ v
        nearest = [self.taught[i] for i in np.argsort(-sims)[:cfg.k]]
        learned_uncoded = len(self.codes) < len(self.taught)
        if learned_uncoded and sum(i in self.codes for i in nearest) / len(nearest) <= cfg.min_codable:
            return Suggestion("", "", 0.0, "")
        coded_sims = {i: float(s) for i, s in zip(self.taught, sims) if i in self.codes}
        if max(coded_sims.values()) < self.floor:
            return Suggestion("", "", 0.0, NEW)
        code, alternative, margin = self.nearest_codes(v)
        theme = self.theme_of[code]
        coded = [i for i in nearest if i in self.codes] or \
            sorted(coded_sims, key=lambda i: -coded_sims[i])[:cfg.k]
        agree = sum(self.theme_of[self.codes[i]] == theme for i in coded) / len(coded)
        examples = sorted((i for i in self.codes if self.codes[i] == code), key=lambda i: -coded_sims[i])
        return Suggestion(code, theme, round(agree, 4), SUGGESTED, tuple(examples[:cfg.n_evidence]), None,
                          alternative, margin)


def suggest(x: np.ndarray, taught: dict[int, str], theme_of: dict[str, str], cfg: SuggestConfig,
            files: list[str] | None = None) -> list[Suggestion]:
    """A suggestion for every unit (rows of ``x``, unit vectors). ``taught``: the coders' units,
    index → their code ("" where they left the talk uncoded); ``theme_of``: code → theme;
    ``files``: each unit's file. The coders' units keep exactly their coding; with no coded unit
    nothing is suggested."""
    files = files or [str(i) for i in range(len(x))]
    model = _Taught.of(x, taught, theme_of, files, cfg) if any(taught.values()) else None
    out = []
    for i in range(len(x)):
        if i in taught:
            code = taught[i]
            out.append(Suggestion(code, theme_of.get(code, ""), 1.0, HUMAN if code else ""))
        else:
            out.append(model.judge(x[i], cfg) if model else Suggestion("", "", 0.0, ""))
    return out


def like_coded(x: np.ndarray, taught: dict[int, str], judged: list[int], k: int) -> dict[int, bool]:
    """Whether each ``judged`` row of ``x`` is like coded talk: of its ``k`` nearest taught rows
    (``taught``: row → code, "" for uncoded), at least as many are coded as taught rows are
    overall, or at least half. Coders who code little leave coded talk among much uncoded talk,
    so a row more often near coded talk than the average is like it; coders who code most of the
    talk leave every neighbourhood mostly coded, so one half-coded is like coded talk too. Without
    both coded and uncoded taught rows, every row is."""
    rows = sorted(taught)
    coded = np.array([bool(taught[i]) for i in rows])
    if not judged or coded.all() or not coded.any():
        return dict.fromkeys(judged, True)
    bar = min(coded.mean(), 0.5) * min(k, len(rows)) - 1e-9  # coded neighbours needed
    out: dict[int, bool] = {}
    for at in range(0, len(judged), 256):
        chunk = judged[at:at + 256]
        sims = x[chunk] @ x[rows].T
        nearest = np.argsort(-sims, axis=1)[:, :k]
        out.update(zip(chunk, (coded[nearest].sum(axis=1) >= bar).tolist()))
    return out


def _sentences_of(units: tuple[Segment, ...], sentences: list[Span]) -> list[list[int]]:
    """Each unit's sentences, in order: those sharing at least half of the shorter of the two."""
    by_file: dict[str, list[int]] = {}
    for j, (file, _, _) in enumerate(sentences):
        by_file.setdefault(file, []).append(j)
    out = []
    for u in units:
        inside = []
        for j in by_file.get(u.file, ()):
            _, start, end = sentences[j]
            if 2 * (min(end, u.end) - max(start, u.start)) >= max(min(end - start, u.end - u.start), 1):
                inside.append(j)
        out.append(sorted(inside, key=lambda j: sentences[j][1]))
    return out


def trimmed(units: tuple[Segment, ...], found: list[Suggestion], sentences: list[Span],
            inside_units: list[list[int]], codable: dict[int, bool]) -> list[Suggestion]:
    """Each suggestion cut to its unit's sentences (``inside_units``: each unit's, indices of
    ``sentences``) from the first to the last ``codable`` one; a suggested unit none of whose
    sentences is codable is uncoded talk."""
    out = list(found)
    for i, (u, inside) in enumerate(zip(units, inside_units)):
        keep = [j for j in inside if codable.get(j, True)]
        if found[i].source != SUGGESTED or not inside or len(keep) == len(inside):
            continue
        if not keep:
            out[i] = Suggestion("", "", 0.0, "")
            continue
        span = (max(sentences[keep[0]][1], u.start), min(sentences[keep[-1]][2], u.end))
        out[i] = replace(found[i], span=None if span == (u.start, u.end) else span)
    return out


def _trim(units: tuple[Segment, ...], found: list[Suggestion], turns: tuple[ProcessedTurn, ...],
          spans: tuple[list[Located], tuple[Span, ...], set[str]], k: int,
          encode: Callable[[list[str]], tuple[np.ndarray, int]]) -> list[Suggestion]:
    """``trimmed`` with the sentences of the participants' turns, taught by ``spans`` (the
    located quotes, the spans marked uncoded, the files coded through)."""
    pairs = [(t.file, s) for t in turns for s in t.sentences]
    sentences = [(file, s.start, s.end) for file, s in pairs]
    taught = taught_units(sentences, *spans)
    inside = _sentences_of(units, sentences)
    judged = sorted({j for i, f in enumerate(found) if f.source == SUGGESTED for j in inside[i]}
                    - set(taught))
    if not judged or not taught:
        return found
    needed = sorted(set(taught) | set(judged))
    x, _ = encode([pairs[j][1].norm for j in needed])
    vectors = np.zeros((len(sentences), x.shape[1]))
    vectors[needed] = unit_rows(x)
    return trimmed(units, found, sentences, inside, like_coded(vectors, taught, judged, k))


def seed_units(vectors: np.ndarray, described: np.ndarray, codes: list[str]) -> dict[int, str]:
    """A codebook's one example of each code: the unit most like the code's description (rows of
    ``described``), when no other code's description is liker that unit."""
    if not len(vectors) or not len(described):
        return {}
    sims = vectors @ described.T
    best_unit, best_code = sims.argmax(axis=0), sims.argmax(axis=1)
    return {int(u): codes[c] for c, u in enumerate(best_unit) if best_code[u] == c}


def _from_codebook(coding: Coding, vectors: np.ndarray, taught: dict[int, str],
                   encode: Callable[[list[str]], tuple[np.ndarray, int]] | None) -> dict[int, str]:
    if not coding.examples or encode is None:
        return {}
    described, _ = encode([text for _, _, text in coding.examples])
    seeds = seed_units(vectors, described, [code for code, _, _ in coding.examples])
    return {i: c for i, c in seeds.items() if i not in taught}


def suggest_codes(corpus: Corpus, turns: tuple[ProcessedTurn, ...], units: tuple[Segment, ...],
                  space: np.ndarray, vectors: np.ndarray, coding: Coding | None, cfg: SuggestConfig,
                  encode: Callable[[list[str]], tuple[np.ndarray, int]] | None = None) -> Suggested:
    """Stage function (suggest): with the coders' ``coding``, a suggestion for every unit; the
    units that fit none of their codes are left to open clustering. A codebook's codes are
    learned from one example each: the unit most like the code's description (in ``vectors``,
    the units' embeddings, beside the descriptions embedded by ``encode``). With ``cfg.trim``,
    each suggestion covers the unit's sentences (of ``turns``) that are like coded talk."""
    if coding is None:
        return Suggested(len(units))
    texts = corpus.texts
    quotes = match_files(list(coding.quotes), set(texts))
    located, missing = locate_all(quotes, texts)
    if quotes and not located and not coding.examples:
        raise MazmunError(E_CODING, f"{coding.source}: none of its {len(quotes)} coded quotes is in the "
                          "analyzed transcripts", "check that its file column names files of the folder "
                          "analyzed, and that the quotes were copied from them")
    theme_of: dict[str, str] = {}
    for q in located:
        code, theme = code_and_theme(q.quote.labels)
        theme_of.setdefault(code, theme)
    for code, theme, _ in coding.examples:
        theme_of.setdefault(code, theme or code)
    covered = {q.quote.file for q in located} if coding.covered is None else set(coding.covered)
    taught = taught_units([(u.file, u.start, u.end) for u in units], located, coding.uncoded, covered)
    seeds = _from_codebook(coding, vectors, taught, encode)
    files = [u.file for u in units]
    examples = {**seeds, **taught}
    found = suggest(space, examples, theme_of, cfg, files)
    for i in seeds:  # the codebook's examples are mazmun's choice: judged like any unit, without it
        rest = {j: c for j, c in examples.items() if j != i}
        judged = _Taught.of(space, rest, theme_of, files, cfg).judge(space[i], cfg) if any(rest.values()) \
            else found[i]
        agree = judged.confidence if judged.theme == found[i].theme else 0.0
        found[i] = replace(found[i], confidence=agree, source=SUGGESTED, evidence=())
    if seeds:  # evidence is the coders' own units only
        found = [replace(s, evidence=tuple(e for e in s.evidence if e not in seeds)) for s in found]
    if cfg.trim and encode is not None:
        found = _trim(units, found, turns, (located, coding.uncoded, covered), cfg.k, encode)
    return Suggested(len(units), tuple(found), len(located), tuple(missing), coding.source, theme_of,
                     len(seeds))
