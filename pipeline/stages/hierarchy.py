"""Stage hierarchy: candidate codes → candidate themes.

Codes are grouped by average-linkage clustering of their centroids (cosine). The number of
themes is the one under which the *units*, labelled by their theme, separate best (silhouette
over the units; a silhouette over a handful of code centroids is too few points to judge and
nearly always chose two themes), unless fixed in the config.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.config import check
from pipeline.vectors import unit_rows


@dataclass(frozen=True)
class HierarchyConfig:
    n_themes: int = 0  # 0: choose by silhouette
    max_themes: int = 12

    def __post_init__(self) -> None:
        check(self.n_themes >= 0, "hierarchy.n_themes", "must be 0 (auto) or a positive number")
        check(self.max_themes >= 2, "hierarchy.max_themes", "must be at least 2")


def centroids(x: np.ndarray, labels: np.ndarray, n_codes: int) -> np.ndarray:
    return unit_rows(np.vstack([x[labels == c].mean(axis=0) for c in range(n_codes)]))


def group_codes(x: np.ndarray, labels: np.ndarray, cfg: HierarchyConfig) -> np.ndarray:
    """Stage function: a theme index (0-based) for each code, from the units' vectors ``x`` and
    their code ``labels`` (-1: unassigned, ignored)."""
    n = int(labels.max()) + 1 if len(labels) else 0
    if n <= 2:
        return np.arange(n)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist
    from sklearn.metrics import silhouette_score

    tree = linkage(pdist(centroids(x, labels, n), metric="cosine"), method="average")
    if cfg.n_themes:
        best = fcluster(tree, min(cfg.n_themes, n), criterion="maxclust")
    else:
        coded = labels >= 0
        best, best_score = np.ones(n, dtype=int), -2.0
        for k in range(2, min(n - 1, cfg.max_themes) + 1):
            grouping = fcluster(tree, k, criterion="maxclust")
            if len(set(grouping)) < 2:
                continue
            score = silhouette_score(x[coded], grouping[labels[coded]], metric="cosine",
                                     sample_size=min(int(coded.sum()), 2000), random_state=0)
            if score > best_score + 1e-12:
                best, best_score = grouping, score
    _, dense = np.unique(best, return_inverse=True)
    return dense


def code_themes(x: np.ndarray, labels: np.ndarray, cfg: HierarchyConfig) -> np.ndarray:
    """Stage function: each code's theme (none when no unit has a code)."""
    n_codes = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    return group_codes(x, labels, cfg) if n_codes else np.zeros(0, dtype=int)
