import numpy as np
import pytest

from pipeline.stages.cluster import (
    ClusterConfig,
    ReduceConfig,
    auto_min_cluster_size,
    center_languages,
    cluster,
    reduce,
)


def blobs(n_per=40, k=3, dim=16, seed=0, noise=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim)) * 4
    x = np.vstack([c + rng.normal(size=(n_per, dim)) for c in centres])
    truth = np.repeat(np.arange(k), n_per)
    if noise:
        x = np.vstack([x, rng.uniform(-12, 12, size=(noise, dim))])
        truth = np.concatenate([truth, -np.ones(noise, dtype=int)])
    return x, truth


def test_language_centering_removes_the_language_offset():
    x, truth = blobs(k=2)
    langs = ["en" if i % 2 else "fa" for i in range(len(x))]
    shifted = x + np.array([[8.0] * x.shape[1] if lg == "fa" else [0.0] * x.shape[1] for lg in langs])
    centred = center_languages(shifted, langs, shrinkage=0)
    fa = np.array([lg == "fa" for lg in langs])
    gap = np.linalg.norm(centred[fa].mean(0) - centred[~fa].mean(0))
    assert gap < 0.05
    # the themes are still apart
    assert np.linalg.norm(centred[truth == 0].mean(0) - centred[truth == 1].mean(0)) > 0.5


def test_small_language_is_shrunk_towards_the_corpus():
    x = np.vstack([np.ones((50, 4)), np.full((2, 4), 5.0)])
    langs = ["en"] * 50 + ["fa"] * 2
    out = center_languages(x, langs, shrinkage=10)
    assert not np.allclose(out[-1], out[0])  # a 2-unit language keeps most of its own signal


def test_reduce_and_cluster_recover_blobs():
    x, truth = blobs()
    reduced = reduce(x, ReduceConfig(), seed=1)
    labels, probs = cluster(reduced, ClusterConfig(min_cluster_size=10, selection="eom"))
    assert len(set(labels) - {-1}) == 3
    for k in range(3):
        assert len(set(labels[truth == k]) - {-1}) == 1
    assert probs.shape == labels.shape and probs.max() <= 1


def test_outliers_stay_unassigned():
    x, truth = blobs(noise=12)
    labels, _ = cluster(x, ClusterConfig(min_cluster_size=10, selection="eom"))
    assert (labels[truth == -1] == -1).mean() >= 0.5
    assert (labels[truth >= 0] >= 0).mean() >= 0.9


def test_same_seed_same_labels():
    x, _ = blobs()
    a = cluster(reduce(x, ReduceConfig(), seed=7), ClusterConfig())[0]
    b = cluster(reduce(x, ReduceConfig(), seed=7), ClusterConfig())[0]
    assert (a == b).all()


def test_tiny_corpus_is_all_unassigned_not_forced():
    labels, _ = cluster(np.eye(4), ClusterConfig())
    assert (labels == -1).all()


@pytest.mark.parametrize("n,size", [(45, 3), (150, 6), (10_000, 50)])
def test_cluster_size_scales_with_the_corpus(n, size):
    assert auto_min_cluster_size(n) == size


def test_outliers_join_the_nearest_code():
    from pipeline.stages.cluster import attach_outliers

    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.8, 0.3], [0.2, 0.7]])
    labels = np.array([0, 0, 1, 1, -1, -1])
    assert attach_outliers(x, labels).tolist() == [0, 0, 1, 1, 0, 1]
    assert attach_outliers(x, np.full(6, -1)).tolist() == [-1] * 6


def test_co_association_counts_shared_codes_but_not_unassigned():
    from pipeline.stages.cluster import co_association

    shared = co_association([np.array([0, 0, 1, -1]), np.array([0, 1, 1, -1])])
    assert shared[0, 1] == 0.5 and shared[1, 2] == 0.5 and shared[0, 2] == 0.0
    assert shared[3].sum() == 0.0  # unassigned in every run: together with no one


def test_consensus_keeps_what_most_runs_agree_on():
    from pipeline.stages.cluster import consensus

    runs = [np.array([0, 0, 0, 1, 1, 1, -1]), np.array([0, 0, 0, 1, 1, 1, 1]),
            np.array([1, 1, 0, 0, 0, 0, -1])]  # the last run splits the first code
    labels, probs = consensus(runs, min_size=3, agreement=0.5)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, -1]
    assert probs[3] == 1.0 and probs[0] < 1.0  # unit 2 left units 0 and 1 in one run of three
    assert consensus(runs, min_size=4, agreement=0.5)[0].tolist() == [-1] * 7


def test_runs_are_seeded_and_scale_with_the_corpus():
    from pipeline.stages.cluster import run_seeds

    seeds = run_seeds(200, ReduceConfig(), ClusterConfig(), 42)
    assert len(set(seeds)) == 10 and seeds == run_seeds(200, ReduceConfig(), ClusterConfig(), 42)
    assert seeds != run_seeds(200, ReduceConfig(), ClusterConfig(), 43)
    assert run_seeds(5000, ReduceConfig(), ClusterConfig(), 42) == [42]  # large: one run
    assert run_seeds(20, ReduceConfig(), ClusterConfig(), 42) == [42]  # no UMAP: nothing varies
    assert len(run_seeds(5000, ReduceConfig(), ClusterConfig(runs=3), 42)) == 3


def test_consensus_of_seeded_runs_recovers_blobs_and_is_reproducible():
    from pipeline.stages.cluster import cluster_layouts, run_seeds

    x, truth = blobs(n_per=30)
    cfg = ClusterConfig(min_cluster_size=10, runs=4)
    layouts = [reduce(x, ReduceConfig(), s) for s in run_seeds(len(x), ReduceConfig(), cfg, 3)]
    labels, probs = cluster_layouts(layouts, cfg)
    for k in range(3):
        assert len(set(labels[truth == k])) == 1 and labels[truth == k][0] >= 0
    assert probs.min() > 0.9
    assert (cluster_layouts(layouts, cfg)[0] == labels).all()
