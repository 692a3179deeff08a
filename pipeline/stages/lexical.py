"""Stage lexical view: the words a meaning unit uses, next to its embedding.

A coder notices when participants use the same words for an experience ("camera", "جلسه",
"ashamed"); a small multilingual embedding model blurs that, most of all in Farsi. This view is
TF-IDF over the units' content lemmas (from preprocess), restricted to words that at least
``min_participants`` different participants use — a word only one person says marks that person,
not a pattern across the data. It is reduced to at most ``max_dimensions`` (LSA), centered per
language, and joined to the embedding (each view a unit vector, the lexical one scaled by
``weight``).

Words spelled alike link only units of the same language. So in a corpus of more than one language
(``cross_lingual``) a term stands for its meaning, not its spelling: each unit's TF-IDF row is
multiplied by the terms' own vectors from the embedding model (جلسه and "session" lie close), so
words link units across languages; and a unit's lexical view weighs ``weight × its language's
share of the units``, so a small-minority language relies most on the embedding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.models.encoder import Encoder
from pipeline.stages.cluster import ReduceConfig, center_languages
from pipeline.text.farsi import lexical_terms
from pipeline.types import Segment, Segmentation
from pipeline.vectors import unit_rows


@dataclass(frozen=True)
class LexicalConfig:
    weight: float = 1.0  # lexical view vs embedding (1: equal); 0: embedding only
    min_participants: int = 2  # a word counts when this many participants use it
    max_dimensions: int = 256  # LSA components kept for large corpora
    cross_lingual: bool = True  # in a corpus of several languages, terms are compared by meaning

    def __post_init__(self) -> None:
        check(self.weight >= 0, "lexical.weight", "must be ≥ 0 (0 turns the lexical view off)")
        check(self.min_participants >= 1, "lexical.min_participants", "must be at least 1")
        check(self.max_dimensions >= 2, "lexical.max_dimensions", "must be at least 2")


def terms(segment: Segment) -> tuple[str, ...]:
    """The words a unit is compared by: its content lemmas (Farsi compounds split, see
    ``farsi.lexical_terms``, so half-spaces typed as spaces change nothing)."""
    return lexical_terms(segment.tokens) if segment.lang == "fa" else segment.tokens


def shared_vocabulary(segments: tuple[Segment, ...], min_participants: int) -> list[str]:
    """Terms used by at least ``min_participants`` participants (file + speaker)."""
    speakers: dict[str, set[tuple[str, str]]] = {}
    for s in segments:
        for token in set(terms(s)):
            speakers.setdefault(token, set()).add((s.file, s.speaker))
    return sorted(t for t, who in speakers.items() if len(who) >= min_participants)


def tfidf(segments: tuple[Segment, ...], vocabulary: list[str]):
    """Sparse TF-IDF rows (scikit-learn's smooth idf, l2-normalized) over ``vocabulary``; other
    terms are ignored."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=list, vocabulary=vocabulary).fit_transform(
        [terms(s) for s in segments])


def lexical_view(segments: tuple[Segment, ...], cfg: LexicalConfig, seed: int,
                 embed_terms: Callable[[list[str]], np.ndarray] | None = None) -> np.ndarray:
    """Stage function: one row per unit (zeros where a unit has no shared word), language-centered.
    With ``embed_terms`` (terms → their vectors; see ``by_meaning``) a unit is the TF-IDF-weighted
    sum of its terms' vectors; without, LSA of the TF-IDF rows."""
    vocabulary = shared_vocabulary(segments, cfg.min_participants)
    if len(segments) < 2 or len(vocabulary) < 2:
        return np.zeros((len(segments), 0))
    matrix = tfidf(segments, vocabulary)
    if embed_terms is not None:
        term_vectors = embed_terms(vocabulary)
        reduced = np.asarray(matrix @ (term_vectors - term_vectors.mean(axis=0)))
    else:
        from sklearn.decomposition import TruncatedSVD

        k = min(cfg.max_dimensions, len(segments) - 1, len(vocabulary) - 1)
        reduced = TruncatedSVD(n_components=k, random_state=seed).fit_transform(matrix)
    empty = np.asarray(matrix.sum(axis=1)).ravel() == 0
    out = center_languages(reduced, [s.lang for s in segments], 0.0)
    out[empty] = 0.0
    return out


def by_meaning(segments: tuple[Segment, ...], cfg: LexicalConfig) -> bool:
    """Whether terms are compared by meaning: ``cross_lingual`` and more than one language."""
    return cfg.cross_lingual and cfg.weight > 0 and len({s.lang for s in segments}) > 1


def combine(dense: np.ndarray, lexical: np.ndarray, langs: list[str], weight: float) -> np.ndarray:
    """The embedding and the lexical view side by side; the lexical view of a unit scaled by
    ``weight ×`` the share of its language in the corpus."""
    if weight == 0 or lexical.shape[1] == 0:
        return dense
    share = Counter(langs)
    scale = np.array([weight * share[lg] / len(langs) for lg in langs])[:, None]
    return unit_rows(np.hstack([dense, scale * lexical]))


def clustering_space(vectors: np.ndarray, seg: Segmentation, cfg: LexicalConfig, rcfg: ReduceConfig,
                     seed: int, encode: Encoder) -> tuple[np.ndarray, int]:
    """Stage function: the space units are clustered in. The language-centered embedding is joined
    to the lexical view, then centered again (joining and renormalizing leaves a small offset
    between languages). Also the lexical view's number of dimensions."""
    langs = [s.lang for s in seg.segments]

    def center(x: np.ndarray) -> np.ndarray:
        return center_languages(x, langs, rcfg.language_shrinkage) if rcfg.center_languages else x

    def embed_terms(vocabulary: list[str]) -> np.ndarray:
        return encode(vocabulary)[0]

    words = lexical_view(seg.segments, cfg, seed, embed_terms if by_meaning(seg.segments, cfg) else None)
    return center(combine(center(vectors), words, langs, cfg.weight)), int(words.shape[1])
