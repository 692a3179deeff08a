"""Stage 7, hierarchy: candidate codes → candidate themes.

Codes are grouped by average-linkage clustering of their centroids (cosine). The number of
themes is the one whose grouping separates best (silhouette), unless fixed in the config.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import check
from .embed import unit_rows


@dataclass(frozen=True)
class HierarchyConfig:
    n_themes: int = 0  # 0: choose by silhouette
    max_themes: int = 12

    def __post_init__(self) -> None:
        check(self.n_themes >= 0, "hierarchy.n_themes", "must be 0 (auto) or a positive number")
        check(self.max_themes >= 2, "hierarchy.max_themes", "must be at least 2")


def centroids(x: np.ndarray, labels: np.ndarray, n_codes: int) -> np.ndarray:
    return unit_rows(np.vstack([x[labels == c].mean(axis=0) for c in range(n_codes)]))


def group_codes(code_vectors: np.ndarray, cfg: HierarchyConfig) -> np.ndarray:
    """Stage function: a theme index (0-based) for each code."""
    n = len(code_vectors)
    if n <= 2:
        return np.arange(n)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist, squareform
    from sklearn.metrics import silhouette_score

    distances = pdist(code_vectors, metric="cosine")
    tree = linkage(distances, method="average")
    if cfg.n_themes:
        best = fcluster(tree, min(cfg.n_themes, n), criterion="maxclust")
    else:
        square = squareform(distances)
        best, best_score = np.ones(n, dtype=int), -2.0
        for k in range(2, min(n - 1, cfg.max_themes) + 1):
            grouping = fcluster(tree, k, criterion="maxclust")
            if len(set(grouping)) < 2:
                continue
            score = silhouette_score(square, grouping, metric="precomputed")
            if score > best_score + 1e-12:
                best, best_score = grouping, score
    _, dense = np.unique(best, return_inverse=True)
    return dense
