"""Character-level agreement between automatic and human coding.

Every character of participant speech gets a gold label (the human label of the coded quote
covering it, or none) and an automatic label (the code or theme of the segment covering it, or
none when left unassigned). Label arrays hold integer ids; ``NONE`` (-1) is "no label".

- NMI / ARI over the characters humans coded (unassigned is one more automatic label);
- AMI over every 10th of those characters (mutual information corrected for chance, so
  systems with different numbers of clusters compare fairly: NMI grows with their number);
- coverage: share of coded characters given some automatic label;
- filler rejection: share of uncoded characters left without one;
- label recall: each automatic label is mapped to the gold label it overlaps most; a gold label
  is recalled when the characters mapped to it reach F1 ≥ ``threshold`` against it;
- Cohen's κ after that mapping, over all participant characters (none included on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONE = -1
AMI_STEP = 10  # AMI over every 10th coded character (its expected-MI term is slow)


@dataclass(frozen=True)
class Scores:
    nmi: float
    ari: float
    ami: float
    coverage: float
    filler_rejection: float
    recall: float
    kappa: float
    recalled: tuple[int, ...]  # gold ids recalled

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(getattr(self, k)), 4)
                for k in ("nmi", "ari", "ami", "coverage", "filler_rejection", "recall", "kappa")}


def overlap(gold: np.ndarray, auto: np.ndarray, n_gold: int, n_auto: int) -> np.ndarray:
    """Character counts: rows gold ids then none (last row), columns auto ids then none."""
    g = np.where(gold < 0, n_gold, gold)
    a = np.where(auto < 0, n_auto, auto)
    table = np.zeros((n_gold + 1, n_auto + 1), dtype=np.int64)
    np.add.at(table, (g, a), 1)
    return table


def mapping(table: np.ndarray, include_none: bool) -> np.ndarray:
    """For each automatic label, the gold label (or none) it overlaps most; ties → lower id.

    Without ``include_none`` only coded characters count, and a label with no coded character
    maps to none."""
    counts = table[:, :-1] if include_none else table[:-1, :-1]
    best = counts.argmax(axis=0)
    n_gold = table.shape[0] - 1
    best = np.where(best == n_gold, NONE, best)
    return np.where(counts.sum(axis=0) > 0, best, NONE)


def apply(to_gold: np.ndarray, auto: np.ndarray) -> np.ndarray:
    """Automatic labels replaced by the gold label each maps to (none stays none)."""
    lookup = np.append(to_gold, NONE)
    return lookup[np.where(auto >= 0, auto, len(to_gold))]


def f1_table(gold: np.ndarray, mapped: np.ndarray, n_gold: int) -> np.ndarray:
    """(precision, recall, F1) of each gold label against the characters mapped to it."""
    out = np.zeros((n_gold, 3))
    for g in range(n_gold):
        truth, pred = gold == g, mapped == g
        hit = float((truth & pred).sum())
        p = hit / pred.sum() if pred.any() else 0.0
        r = hit / truth.sum() if truth.any() else 0.0
        out[g] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's κ of two label arrays of equal length."""
    if len(a) == 0:
        return 0.0
    labels, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inverse[:len(a)], inverse[len(a):]
    k = len(labels)
    table = np.zeros((k, k))
    np.add.at(table, (ia, ib), 1)
    table /= len(a)
    observed = np.trace(table)
    expected = float(table.sum(axis=1) @ table.sum(axis=0))
    return 1.0 if expected >= 1.0 else float((observed - expected) / (1.0 - expected))


def score(gold: np.ndarray, auto: np.ndarray, n_gold: int, n_auto: int,
          threshold: float = 0.5) -> Scores:
    """All scores for one pair of label arrays (one entry per participant character)."""
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

    coded = gold >= 0
    g, a = gold[coded], auto[coded]
    nmi = float(normalized_mutual_info_score(g, a)) if coded.any() else 0.0
    ari = float(adjusted_rand_score(g, a)) if coded.any() else 0.0
    ami = float(adjusted_mutual_info_score(g[::AMI_STEP], a[::AMI_STEP])) if coded.any() else 0.0
    coverage = float((a >= 0).mean()) if coded.any() else 0.0
    rejection = float((auto[~coded] < 0).mean()) if (~coded).any() else 1.0
    table = overlap(gold, auto, n_gold, n_auto)
    f1 = f1_table(gold, apply(mapping(table, include_none=False), auto), n_gold)
    present = [i for i in range(n_gold) if (gold == i).any()]
    recalled = tuple(i for i in present if f1[i, 2] >= threshold)
    recall = len(recalled) / len(present) if present else 0.0
    agreement = kappa(gold, apply(mapping(table, include_none=True), auto))
    return Scores(nmi, ari, ami, coverage, rejection, recall, agreement, recalled)
