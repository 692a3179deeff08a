"""The report's map: each unit placed in two dimensions, alike units near each other."""

import numpy as np
import pytest

from pipeline.report.numbers import ReportConfig
from pipeline.stages.cluster import ReduceConfig
from pipeline.stages.map import map_units
from pipeline.vectors import unit_rows


def two_groups(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = np.eye(16)[:2] * 3
    return unit_rows(np.vstack([centres[i % 2] + rng.normal(0, 0.3, 16) for i in range(n)]))


@pytest.mark.parametrize("n", [12, 80])  # principal components below min_units_for_umap, UMAP above
def test_units_alike_lie_near_each_other_on_a_map_scaled_into_the_unit_square(n):
    places = map_units(two_groups(n), ReportConfig(), ReduceConfig(), seed=1)
    assert places.shape == (n, 2) and places.min() == 0.0 and places.max() == 1.0
    groups = [places[i::2] for i in range(2)]
    within = max(np.linalg.norm(g - g.mean(axis=0), axis=1).mean() for g in groups)
    assert np.linalg.norm(groups[0].mean(axis=0) - groups[1].mean(axis=0)) > 2 * within
    assert np.array_equal(places, map_units(two_groups(n), ReportConfig(), ReduceConfig(), seed=1))


def test_no_map_when_it_is_turned_off_or_there_is_too_little_to_draw():
    assert not map_units(two_groups(20), ReportConfig(map=False), ReduceConfig(), seed=1).any()
    assert map_units(two_groups(2), ReportConfig(), ReduceConfig(), seed=1).shape == (2, 2)
    assert map_units(np.zeros((0, 16)), ReportConfig(), ReduceConfig(), seed=1).shape == (0, 2)
