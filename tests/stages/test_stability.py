"""Stability: each code looked for in clusterings with other seeds."""

import numpy as np
import pytest

from pipeline.report.numbers import ReportConfig
from pipeline.stages.cluster import ClusterConfig, ReduceConfig
from pipeline.stages.codebook import Assignment, Codebook
from pipeline.stages.stability import overlaps, stability
from pipeline.vectors import unit_rows


def groups(n_per: int, k: int = 3) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = np.eye(24)[:k] * 4
    return unit_rows(np.vstack([centres[i] + rng.normal(0, 0.3, 24) for i in range(k) for _ in range(n_per)]))


def book(codes: list[str]) -> Codebook:
    return Codebook((), (), tuple(Assignment(c, "T1" if c else "", 1.0) for c in codes))


def test_the_overlap_is_that_of_the_cluster_sharing_most_units():
    other = np.array([0, 0, 0, 1, 1, -1])
    assert overlaps(np.array([1, 1, 0, 0, 0, 0], dtype=bool), other) == pytest.approx(2 / 3)
    assert overlaps(np.array([0, 0, 0, 0, 0, 1], dtype=bool), other) == 0.0  # unassigned is no cluster


def test_codes_of_well_apart_groups_are_stable_and_a_code_cut_across_them_is_not():
    x, whole = groups(15), ClusterConfig(min_cluster_size=10)  # a group is one cluster, not leaves of it
    true = [f"C{i // 15 + 1}" for i in range(45)]
    found = stability(x, np.ones(45, dtype=bool), book(true), ReportConfig(), ReduceConfig(), whole, 42)
    assert found.runs == 5 and found.ari > 0.9
    assert all(share == 1.0 and overlap > 0.9 for share, overlap in found.codes.values())
    mixed = [f"C{i % 3 + 1}" for i in range(45)]  # each "code" takes a third of every group
    doubtful = stability(x, np.ones(45, dtype=bool), book(mixed), ReportConfig(), ReduceConfig(), whole, 42)
    assert all(share == 0.0 and overlap < 0.4 for share, overlap in doubtful.codes.values())
    assert doubtful.ari < found.ari - 0.2  # the run disagrees with every other clustering


def test_nothing_is_measured_with_no_runs_and_the_numbers_are_the_same_for_the_same_seed():
    x, codes = groups(12), book([f"C{i // 12 + 1}" for i in range(36)])
    none = stability(x, np.ones(36, dtype=bool), codes, ReportConfig(stability_runs=0), ReduceConfig(),
                     ClusterConfig(), 7)
    assert none.runs == 0 and none.as_dict()["codes"]["C1"] == {"found": 0.0, "jaccard": 0.0}
    twice = [stability(x, np.ones(36, dtype=bool), codes, ReportConfig(stability_runs=2), ReduceConfig(),
                       ClusterConfig(), 7) for _ in range(2)]
    assert twice[0] == twice[1]
