"""Stages reduce and cluster: embeddings → candidate codes (and unassigned units).

Language signal is removed first (``center_languages``, which the lexical stage applies to the
space units are clustered in): each language's mean vector is subtracted (shrunk toward the corpus mean when a
language has few units), so a mixed Farsi/English corpus clusters by theme. Then UMAP (seeded)
and HDBSCAN; units that fit no code stay unassigned (label -1), never forced.
Cluster sizes scale with the corpus: ``min_cluster_size: 0`` means ``max(3, round(√n / 2))``.

One UMAP layout of a few hundred units depends on its random seed: another seed splits the same
talk differently. So, as coders who code independently keep what they agree on, UMAP + HDBSCAN
run ``cluster.runs`` times with different seeds, and units clustered together in at least
``cluster.agreement`` of the runs (on average, by average linkage of the co-association matrix:
evidence accumulation, Fred & Jain 2005) form one code. A unit's probability is then the share of
runs in which it was clustered with its code's other units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.stages.hierarchy import centroids
from pipeline.vectors import unit_rows

UMAP_METRICS = ("cosine", "euclidean", "manhattan", "chebyshev", "canberra", "braycurtis", "correlation")


@dataclass(frozen=True)
class ReduceConfig:
    center_languages: bool = True
    language_shrinkage: float = 2.0  # pseudo-units pulling a small language's mean to the corpus mean
    n_neighbors: int = 15
    n_components: int = 5
    min_dist: float = 0.0
    metric: str = "cosine"
    min_units_for_umap: int = 30  # below this, cluster the embeddings directly

    def __post_init__(self) -> None:
        check(self.language_shrinkage >= 0, "reduce.language_shrinkage", "must be ≥ 0")
        check(self.metric in UMAP_METRICS, "reduce.metric", f"must be one of {', '.join(UMAP_METRICS)}")
        check(self.n_neighbors >= 2, "reduce.n_neighbors", "must be at least 2")
        check(self.n_components >= 2, "reduce.n_components", "must be at least 2")
        check(0.0 <= self.min_dist <= 1.0, "reduce.min_dist", "must be in [0, 1]")
        check(self.min_units_for_umap >= 5, "reduce.min_units_for_umap", "must be at least 5")


@dataclass(frozen=True)
class ClusterConfig:
    min_cluster_size: int = 0  # 0: scale with the corpus
    min_samples: int = 0  # 0: HDBSCAN's default (= min_cluster_size)
    selection: str = "leaf"  # leaf: fine-grained codes; eom: fewer, larger codes
    selection_epsilon: float = 0.0
    attach_outliers: bool = True  # thematic units no code took join the nearest code (probability 0)
    runs: int = 0  # UMAP + HDBSCAN runs combined; 0: 10 up to 2,000 units, else 1
    agreement: float = 0.5  # share of runs in which units must (on average) be clustered together

    def __post_init__(self) -> None:
        check(0 <= self.runs <= 100, "cluster.runs", "must be 0 (auto) or a number of runs up to 100")
        check(0.0 < self.agreement <= 1.0, "cluster.agreement", "must be in (0, 1]")
        check(self.min_cluster_size == 0 or self.min_cluster_size >= 2, "cluster.min_cluster_size",
              "must be 0 (auto) or at least 2")
        check(self.min_samples >= 0, "cluster.min_samples", "must be ≥ 0")
        check(self.selection in ("leaf", "eom"), "cluster.selection", "must be leaf or eom")
        check(self.selection_epsilon >= 0, "cluster.selection_epsilon", "must be ≥ 0")


def center_languages(x: np.ndarray, langs: list[str], shrinkage: float) -> np.ndarray:
    """Subtract each language's (shrunk) mean; a one-language corpus is centered on its mean."""
    if len(x) == 0:
        return x
    overall = x.mean(axis=0)
    out = x - overall
    for lang in sorted(set(langs)):
        rows = np.array([lg == lang for lg in langs])
        n = int(rows.sum())
        shift = (x[rows].mean(axis=0) - overall) * n / (n + shrinkage)
        out[rows] -= shift
    return unit_rows(out)


def reduce(x: np.ndarray, cfg: ReduceConfig, seed: int, epochs: int | None = None) -> np.ndarray:
    """The (language-centered) unit vectors, reduced with UMAP for larger corpora (``epochs``:
    its optimisation epochs; None: UMAP's choice, 500 up to 10,000 units)."""
    if len(x) < cfg.min_units_for_umap:
        return x
    import umap  # imported on use: numba compiles on first call

    reducer = umap.UMAP(n_neighbors=min(cfg.n_neighbors, len(x) - 1),
                        n_components=min(cfg.n_components, len(x) - 2), min_dist=cfg.min_dist,
                        metric=cfg.metric, random_state=seed, n_jobs=1, low_memory=True, n_epochs=epochs)
    return reducer.fit_transform(x).astype(np.float64)


def auto_min_cluster_size(n: int) -> int:
    return max(3, round(math.sqrt(n) / 2))


def run_seeds(n: int, rcfg: ReduceConfig, ccfg: ClusterConfig, seed: int) -> list[int]:
    """The UMAP seeds of the runs: ``seed`` alone for one run (or no UMAP), else seeds drawn from it."""
    runs = ccfg.runs or (10 if n <= 2000 else 1)
    if runs == 1 or n < rcfg.min_units_for_umap:
        return [seed]
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(runs)]


def cluster(x: np.ndarray, cfg: ClusterConfig) -> tuple[np.ndarray, np.ndarray]:
    """Stage function: (labels, probabilities); label -1 is unassigned."""
    n = len(x)
    size = cfg.min_cluster_size or auto_min_cluster_size(n)
    if n < max(size, 2) * 2:
        return np.full(n, -1), np.zeros(n)
    from sklearn.cluster import HDBSCAN

    model = HDBSCAN(min_cluster_size=size, min_samples=cfg.min_samples or None,
                    cluster_selection_method=cfg.selection,
                    cluster_selection_epsilon=cfg.selection_epsilon, copy=True)
    labels = model.fit_predict(x)
    return labels.astype(int), np.asarray(model.probabilities_, dtype=float)


def co_association(partitions: Sequence[np.ndarray]) -> np.ndarray:
    """Share of the partitions in which each pair of units has the same code (unassigned units
    share nothing, not even with themselves)."""
    n = len(partitions[0])
    together = np.zeros((n, n))
    for labels in partitions:
        together += (labels[:, None] == labels[None, :]) & (labels >= 0)[:, None]
    return together / len(partitions)


def consensus(partitions: Sequence[np.ndarray], min_size: int,
              agreement: float) -> tuple[np.ndarray, np.ndarray]:
    """Stage function: (labels, probabilities) that the partitions agree on. Groups joined by
    average linkage while clustered together in ≥ ``agreement`` of them; groups smaller than
    ``min_size`` stay unassigned. Codes are numbered by their first unit."""
    shared = co_association(partitions)
    n = len(shared)
    if n < 2:
        return np.full(n, -1), np.zeros(n)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - shared
    np.fill_diagonal(distance, 0.0)
    groups = fcluster(linkage(squareform(distance, checks=False), "average"),
                      t=1.0 - agreement, criterion="distance")
    labels, probs = np.full(n, -1), np.zeros(n)
    kept = [g for g in dict.fromkeys(groups) if (groups == g).sum() >= min_size]
    for code, g in enumerate(kept):
        members = np.flatnonzero(groups == g)
        labels[members] = code
        probs[members] = (shared[np.ix_(members, members)].sum(axis=1) - shared[members, members]) \
            / (len(members) - 1)
    return labels, probs


def cluster_layouts(layouts: Sequence[np.ndarray], cfg: ClusterConfig) -> tuple[np.ndarray, np.ndarray]:
    """HDBSCAN on each layout; one layout's result as is, several combined by ``consensus``."""
    found = [cluster(x, cfg) for x in layouts]
    if len(found) == 1:
        return found[0]
    n = len(layouts[0])
    return consensus([labels for labels, _ in found], cfg.min_cluster_size or auto_min_cluster_size(n),
                     cfg.agreement)


def attach_outliers(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give each unit no code took the code whose centroid is nearest (cosine, in ``x``).

    Every unit reaching this stage was kept as thematic, and coders code all thematic talk; the
    attached units keep probability 0 so a reviewer sees they joined by similarity alone."""
    out = labels.copy()
    outliers = np.flatnonzero(labels < 0)
    n_codes = int(labels.max()) + 1 if len(labels) else 0
    if n_codes == 0 or len(outliers) == 0:
        return out
    out[outliers] = (x[outliers] @ centroids(x, labels, n_codes).T).argmax(axis=1)
    return out


def layouts(space: np.ndarray, open_units: np.ndarray, cfg: ReduceConfig, ccfg: ClusterConfig,
            seed: int) -> list[np.ndarray]:
    """Stage function (reduce): the units open to clustering (``open_units``, a mask of the rows
    of ``space``) laid out by UMAP once per run seed."""
    x = space[open_units]
    seeds = run_seeds(len(x), cfg, ccfg, seed)
    return [reduce(x, cfg, s) for s in seeds] if len(x) else [x]


def assign_codes(space: np.ndarray, open_units: np.ndarray, found: Sequence[np.ndarray], cfg: ClusterConfig
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage function (cluster): each unit's code in the layouts ``found`` of the units open to
    clustering (-1: none, and every unit not open), before and after outliers are attached to
    their nearest code, and its membership strength."""
    clustered, probs = cluster_layouts(found, cfg)
    labels = attach_outliers(space[open_units], clustered) if cfg.attach_outliers else clustered
    out = [np.full(len(space), -1), np.full(len(space), -1), np.zeros(len(space))]
    for whole, part in zip(out, (clustered, labels, probs)):
        whole[open_units] = part
    return out[0], out[1], out[2]
