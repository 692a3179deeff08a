"""Stage labels: label suggestions, class-based TF-IDF keywords, keyphrases, a short label, and the
most representative quotes of each code or theme.

Tokens come from preprocess: lemmas in their own language, stop words and spoken fillers
removed, Farsi half-space words kept whole. Keywords are counted as lemmas (sleep, slept and
sleeping are one word) but shown in the quotes' own words: an English lemma no quote says is
written as the quotes say it (data, not the lemmatizer's datum). A code that holds both
languages shows both: each language gets a share of the keywords in proportion to its share of
the code's words (at least two), and a label of its own, the language of the top keyword first
("feel guilty / عذاب وجدان").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.text.farsi import script_counts


@dataclass(frozen=True)
class LabelConfig:
    n_keywords: int = 10
    n_keyphrases: int = 5
    n_quotes: int = 3
    label_words: int = 3

    def __post_init__(self) -> None:
        for key in ("n_keywords", "n_keyphrases", "n_quotes", "label_words"):
            check(getattr(self, key) >= 1, f"labels.{key}", "must be at least 1")


def _ctfidf(counts: list[Counter]) -> list[dict[str, float]]:
    """c-TF-IDF: term frequency within a class × log(1 + mean class size / corpus frequency)."""
    totals: Counter[str] = Counter()
    for c in counts:
        totals.update(c)
    mean_size = sum(sum(c.values()) for c in counts) / max(len(counts), 1)
    scores = []
    for c in counts:
        size = sum(c.values()) or 1
        scores.append({t: (n / size) * math.log(1 + mean_size / totals[t]) for t, n in c.items()})
    return scores


def _top(scores: dict[str, float], k: int, min_count: Counter | None = None) -> list[str]:
    items = [(t, s) for t, s in scores.items() if min_count is None or min_count[t] >= 2]
    return [t for t, _ in sorted(items, key=lambda ts: (-ts[1], ts[0]))[:k]]


def script(term: str) -> str:
    """The language a keyword is written in: "fa" for Arabic script, else "en"."""
    return "fa" if script_counts(term)[0] else "en"


def by_language(ranked: list[str], counts: Counter, k: int) -> list[str]:
    """The top ``k`` of ``ranked``, or, when it holds both languages, each language's own top
    terms in proportion to its share of ``counts`` (at least two each), in rank order."""
    languages: dict[str, list[str]] = {}
    for term in ranked:
        languages.setdefault(script(term), []).append(term)
    if len(languages) < 2:
        return ranked[:k]
    share = {lg: sum(counts[t] for t in terms) for lg, terms in languages.items()}
    total = sum(share.values()) or 1
    chosen = {t for lg, terms in languages.items() for t in terms[:max(2, round(k * share[lg] / total))]}
    return [t for t in ranked if t in chosen]


def _ngrams(tokens: tuple[str, ...]) -> list[str]:
    grams = []
    for n in (2, 3):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)
                  if len(set(tokens[i:i + n])) == n]
    return grams


def keywords(groups: list[list[tuple[str, ...]]], cfg: LabelConfig) -> list[tuple[list[str], list[str]]]:
    """(keywords, keyphrases) per group; a group is the token tuples of its units."""
    word_counts = [Counter(t for toks in g for t in toks) for g in groups]
    phrase_counts = [Counter(p for toks in g for p in set(_ngrams(toks))) for g in groups]
    word_scores = _ctfidf(word_counts)
    phrase_scores = _ctfidf(phrase_counts)
    return [(by_language(_top(ws, len(ws)), wc, cfg.n_keywords),
             by_language(_top(ps, len(ps), pc), pc, cfg.n_keyphrases))
            for ws, ps, wc, pc in zip(word_scores, phrase_scores, word_counts, phrase_counts)]


def as_said(units: list[tuple[tuple[str, ...], tuple[str, ...]]], terms: list[str]) -> dict[str, str]:
    """Each term (a lemma, or a phrase of content lemmas in a row) in the quotes' own words:
    ``units`` are the (tokens, forms) of the quotes it was found in. A term stays as it is when
    the quotes say it so (or hold no forms); else it is written the way they say it most often
    (ties: the first in alphabetical order): the lookup lemmatizer's "datum set" is the "data
    sets" the quotes said. Farsi terms stay lemmas: hazm's are dictionary forms (infinitive,
    singular), the way Farsi codes are named, where the spoken word carries clitics and ezafe
    (اضطراب, not اضطراب‌های)."""
    ways: dict[str, Counter] = {t: Counter() for t in terms if script(t) == "en"}
    lengths = {len(t.split()) for t in ways}
    for tokens, forms in units:
        if len(forms) != len(tokens):
            continue
        for n in lengths:
            for i in range(len(tokens) - n + 1):
                key = " ".join(tokens[i:i + n])
                if key in ways:
                    ways[key][" ".join(forms[i:i + n])] += 1
    return {t: t if not ways.get(t) or ways[t][t] else min(ways[t], key=lambda w: (-ways[t][w], w))
            for t in terms}


def _one_label(words: list[str], phrases: list[str], cfg: LabelConfig, say: dict[str, str]) -> str:
    """The best keyphrase (seen in ≥2 units) built on a top keyword, else the top keywords."""
    top = set(words[:cfg.label_words + 2])
    for phrase in phrases:
        if phrase.split()[0] in top or phrase.split()[-1] in top:
            return say.get(phrase, phrase)
    return " · ".join(said(words[:cfg.label_words], say))


def said(terms: list[str], say: dict[str, str]) -> list[str]:
    """``terms`` as ``say`` (see ``as_said``) writes them, each once."""
    return list(dict.fromkeys(say.get(t, t) for t in terms))


def suggest_label(words: list[str], phrases: list[str], cfg: LabelConfig,
                  say: dict[str, str] | None = None) -> str:
    """A label per language of ``words`` (the language of the top keyword first), joined by " / ";
    chosen among the lemmas, written as ``say`` (see ``as_said``) writes them."""
    order = list(dict.fromkeys(script(w) for w in words))
    parts = [_one_label([w for w in words if script(w) == lg], [p for p in phrases if script(p) == lg], cfg,
                        say or {}) for lg in order]
    return " / ".join(parts) or "(no content words)"


def representatives(x: np.ndarray, members: list[int], k: int) -> list[int]:
    """Indices of the ``k`` members closest to their centroid (ties: earlier member first)."""
    if not members:
        return []
    vectors = x[members]
    centre = vectors.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1)
    similarity = vectors @ centre
    order = sorted(range(len(members)), key=lambda i: (-round(float(similarity[i]), 6), members[i]))
    return [members[i] for i in order[:k]]
