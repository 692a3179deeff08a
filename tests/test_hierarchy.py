import numpy as np

from pipeline.hierarchy import HierarchyConfig, group_codes


def test_codes_group_into_themes():
    rng = np.random.default_rng(0)
    axes = np.eye(8)
    codes = np.vstack([axes[t] + 0.1 * rng.normal(size=8) for t in (0, 0, 0, 1, 1, 2, 2)])
    themes = group_codes(codes, HierarchyConfig())
    assert themes[0] == themes[1] == themes[2]
    assert themes[3] == themes[4] != themes[0]
    assert themes[5] == themes[6] != themes[3]


def test_fixed_number_of_themes_and_tiny_inputs():
    codes = np.random.default_rng(1).normal(size=(6, 8))
    assert len(set(group_codes(codes, HierarchyConfig(n_themes=2)))) == 2
    assert list(group_codes(np.eye(2), HierarchyConfig())) == [0, 1]
