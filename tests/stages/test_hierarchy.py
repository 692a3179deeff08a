import numpy as np

from pipeline.stages.hierarchy import HierarchyConfig, group_codes


def units(themes_of_codes, per_code=10, dim=12, seed=0):
    """Unit vectors of codes around their theme's axis; labels: the code of each unit."""
    rng = np.random.default_rng(seed)
    axes = np.eye(dim)
    centres = [axes[t] + 0.15 * rng.normal(size=dim) for t in themes_of_codes]
    x = np.vstack([c + 0.1 * rng.normal(size=(per_code, dim)) for c in centres])
    return x / np.linalg.norm(x, axis=1, keepdims=True), np.repeat(np.arange(len(centres)), per_code)


def test_codes_group_into_themes():
    x, labels = units((0, 0, 0, 1, 1, 2, 2))
    themes = group_codes(x, labels, HierarchyConfig())
    assert themes[0] == themes[1] == themes[2]
    assert themes[3] == themes[4] != themes[0]
    assert themes[5] == themes[6] != themes[3]


def test_unassigned_units_are_ignored_and_the_number_can_be_fixed():
    x, labels = units((0, 0, 1, 1, 2, 3))
    labels[::7] = -1
    assert len(set(group_codes(x, labels, HierarchyConfig(n_themes=2)))) == 2
    assert len(group_codes(x, labels, HierarchyConfig())) == 6
    assert list(group_codes(x[:20], labels[:20], HierarchyConfig())) == [0, 1]
