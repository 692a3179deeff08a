"""Stage stability: is a code solid, or an accident of one random seed?

UMAP starts from a random layout, so another seed moves units between clusters. The run's units
open to clustering are clustered again ``report.stability_runs`` times, each a single UMAP layout
with another seed and HDBSCAN, as one would cluster once (the run's own codes combine several
layouts, so they are steadier than any one of these: the measure errs on the side of doubt).
Each code is matched in every other clustering to the cluster sharing most of its units
(Jaccard overlap: shared units over the units of either). A code is *found* in a clustering when
that overlap reaches one half; a code found in every run is stable. One number sums up the run:
the adjusted Rand index between the clusterings, averaged over every pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from pipeline.report.numbers import ReportConfig
from pipeline.stages.cluster import ClusterConfig, ReduceConfig, assign_codes, layouts
from pipeline.stages.codebook import Codebook

FOUND = 0.5  # Jaccard overlap at which a code is taken as found again


@dataclass(frozen=True)
class Stability:
    runs: int  # clusterings with other seeds (0: not measured)
    ari: float  # mean adjusted Rand index over every pair of clusterings, the run's own included
    codes: dict[str, tuple[float, float]]  # code id → (share of runs that found it, mean overlap)

    def as_dict(self) -> dict[str, Any]:
        return {"runs": self.runs, "ari": self.ari, "found_at": FOUND,
                "codes": {c: {"found": f, "jaccard": j} for c, (f, j) in self.codes.items()}}


def overlaps(members: np.ndarray, other: np.ndarray) -> float:
    """The largest Jaccard overlap of the units ``members`` (a mask) with a cluster of ``other``."""
    best = 0.0
    for label in set(other[members].tolist()) - {-1}:
        theirs = other == label
        best = max(best, float((members & theirs).sum() / (members | theirs).sum()))
    return best


def _other_seeds(seed: int, n: int) -> list[int]:
    return [int(s) for s in np.random.SeedSequence([seed, 1]).generate_state(n)] if n else []


def stability(space: np.ndarray, open_units: np.ndarray, book: Codebook, cfg: ReportConfig,
              rcfg: ReduceConfig, ccfg: ClusterConfig, seed: int) -> Stability:
    """Stage function (stability): each code of ``book`` matched in clusterings with other seeds."""
    from sklearn.metrics import adjusted_rand_score

    seeds = _other_seeds(seed, cfg.stability_runs if open_units.sum() >= 3 else 0)
    one = replace(ccfg, runs=1)
    runs = [assign_codes(space, open_units, layouts(space, open_units, rcfg, one, s), one)[1] for s in seeds]
    codes = np.array([a.code_id for a in book.assignments], dtype=object)
    found = {}
    for code in sorted(set(codes.tolist()) - {""}):
        best = [overlaps(codes == code, run) for run in runs]
        found[code] = (round(sum(b >= FOUND for b in best) / len(runs), 4),
                       round(float(np.mean(best)), 4)) if runs else (0.0, 0.0)
    ids = {c: i for i, c in enumerate(sorted(set(codes.tolist())))}
    partitions = [np.array([ids[c] for c in codes[open_units]])] + [run[open_units] for run in runs]
    pairs = [adjusted_rand_score(a, b) for a, b in combinations(partitions, 2)]
    return Stability(len(runs), round(float(np.mean(pairs)), 4) if pairs else 0.0, found)
