"""Stage map: each unit's place on the report's map (``report.html``), in two dimensions.

The map is UMAP of the space the units are clustered in, as the clustering's own layouts are, so
that units near each other on the map were near each other for the clustering; a corpus too small
for UMAP is drawn on its first two principal components. Places are scaled into [0, 1]. The layout
is optimised for ``report.map_epochs`` epochs (200, what UMAP itself uses on large data), not the
500 it spends on small corpora: the map is a picture, and it costs half the time.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.report.numbers import ReportConfig
from pipeline.stages.cluster import ReduceConfig, reduce


def map_units(space: np.ndarray, cfg: ReportConfig, rcfg: ReduceConfig, seed: int) -> np.ndarray:
    """Stage function (map): an (n, 2) array of places in [0, 1]; all zero with ``cfg.map`` off
    or fewer than three units."""
    if not cfg.map or len(space) < 3:
        return np.zeros((len(space), 2))
    if len(space) < rcfg.min_units_for_umap:
        centred = space - space.mean(axis=0)
        _, _, axes = np.linalg.svd(centred, full_matrices=False)
        flat = centred @ axes[:2].T
    else:
        flat = reduce(space, replace(rcfg, n_components=2, min_dist=0.1), seed, cfg.map_epochs)
    low, high = flat.min(axis=0), flat.max(axis=0)
    return np.round((flat - low) / np.where(high > low, high - low, 1.0), 4)
