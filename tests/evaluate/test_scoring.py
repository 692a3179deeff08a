"""Character-level scores: each metric on label arrays whose answer is known."""

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from pipeline.evaluate.scoring import kappa, score

GOLD = np.array([0, 0, 0, 1, 1, 1, -1, -1, -1, -1])


def test_identical_labelling_scores_one():
    s = score(GOLD, GOLD.copy(), 2, 2)
    assert (s.nmi, s.ari, s.coverage, s.filler_rejection, s.recall, s.kappa) == pytest.approx((1,) * 6)


def test_everything_unassigned():
    s = score(GOLD, np.full(10, -1), 2, 0)
    assert s.coverage == 0 and s.filler_rejection == 1 and s.recall == 0 and s.nmi == 0


def test_everything_in_one_code():
    s = score(GOLD, np.zeros(10, dtype=int), 2, 1)
    assert s.coverage == 1 and s.filler_rejection == 0 and s.nmi == pytest.approx(0)


def test_recall_needs_f1_of_one_half():
    # theme 0 found with precision 3/6 and recall 1 → F1 2/3; theme 1 mapped to nothing
    auto = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, -1])
    auto[3:] = [0, 0, 0, -1, -1, -1, -1]
    s = score(GOLD, auto, 2, 1)
    assert s.recalled == (0,) and s.recall == 0.5


def test_two_codes_can_map_to_one_theme():
    s = score(GOLD, np.array([0, 0, 1, 2, 2, 2, -1, -1, -1, -1]), 2, 3)
    assert s.recall == 1 and s.filler_rejection == 1


def test_kappa_matches_sklearn():
    rng = np.random.default_rng(0)
    a, b = rng.integers(-1, 3, 200), rng.integers(-1, 3, 200)
    assert kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
