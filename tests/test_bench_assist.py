"""The scoring of `make bench-assist` (bench/assist.py): which files the simulated coder coded,
and κ / macro-F1 / coverage / filler rejection with the coders' own labels."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from assist import Split, scores  # noqa: E402


@pytest.mark.parametrize("share, coded", [(0.10, 1), (0.25, 2), (0.50, 4)])
def test_the_first_files_by_name_are_coded_and_one_is_always_held_out(share, coded):
    names = [f"P{i}.txt" for i in (3, 1, 8, 2, 5, 4, 7, 6)]
    split = Split.first(names, share)
    assert split.coded == tuple(f"P{i}.txt" for i in range(1, coded + 1))
    assert len(split.held_out) == 8 - coded
    assert Split.first(["a", "b"], 0.9).held_out == ("b",)


def test_scores_count_uncoded_talk_as_a_label_and_labels_first_used_later_apart():
    gold = np.array([0, 0, 1, 1, -1, -1, 2, 2])
    assert scores(gold, gold.copy(), {0, 1, 2})["kappa"] == 1.0
    pred = np.array([0, 0, 1, -1, -1, 1, -1, -1])  # label 2 was never suggested
    s = scores(gold, pred, {0, 1})
    assert s["coverage"] == 0.5 and s["filler_rejection"] == 0.5
    assert s["macro_f1_seen"] == pytest.approx((1.0 + 0.5) / 2)
    assert s["macro_f1"] == pytest.approx((1.0 + 0.5 + 0.0) / 3)
    assert s["macro_f1_ceiling"] == pytest.approx(2 / 3, abs=1e-4)  # label 2 could not have been suggested
    assert 0 < s["kappa"] < 1
