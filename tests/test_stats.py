"""Aggregation, clustered bootstrap, sign-flip test and Holm correction against hand values and naive code."""

import itertools

import numpy as np
import pytest

from salbench.stats import bootstrap_weights, compare, holm, sign_flip_p_value, summarize


def test_pooled_and_macro_means_by_hand():
    scores = [{"cc": np.array([1.0, 2.0, np.nan])}, {"cc": np.array([4.0])}, {"cc": np.array([np.nan])}]
    s = summarize(scores, ["a", "b", "c"], ["cc"], bootstrap=50)["cc"]
    assert s.pooled.value == pytest.approx((1 + 2 + 4) / 3)  # frames pooled over videos
    assert s.macro.value == pytest.approx((1.5 + 4) / 2)  # mean of video means; video c has no valid frame
    assert (s.n_valid, s.n_nan, s.n_videos, s.n_videos_without_valid) == (3, 2, 3, 1)


def test_bootstrap_weights_follow_the_spec_draw():
    w = bootstrap_weights(4, 6, seed=3)
    idx = np.random.default_rng(3).integers(0, 4, size=(6, 4))
    assert np.array_equal(w, np.stack([np.bincount(row, minlength=4) for row in idx]))
    assert np.all(w.sum(axis=1) == 4)


def test_bootstrap_interval_equals_a_naive_resampling_loop():
    rng = np.random.default_rng(0)
    scores = [{"m": rng.normal(size=rng.integers(1, 6))} for _ in range(7)]
    groups = ["g0", "g0", "g1", "g2", "g3", "g3", "g4"]  # clusters coarser than videos
    s = summarize(scores, groups, ["m"], bootstrap=400, ci_level=0.9, bootstrap_seed=11)["m"]
    # naive: draw clusters as the spec says, concatenate their frames, take means
    clusters = {}
    for g, v in zip(groups, scores):
        clusters.setdefault(g, []).append(v["m"])
    names = list(clusters)
    idx = np.random.default_rng(11).integers(0, len(names), size=(400, len(names)))
    pooled, macro = [], []
    for row in idx:
        videos = [v for c in row for v in clusters[names[c]]]
        pooled.append(np.concatenate(videos).mean())
        macro.append(np.mean([v.mean() for v in videos]))
    assert s.pooled.low == pytest.approx(np.percentile(pooled, 5), rel=1e-12)
    assert s.pooled.high == pytest.approx(np.percentile(pooled, 95), rel=1e-12)
    assert s.macro.low == pytest.approx(np.percentile(macro, 5), rel=1e-12)
    assert s.macro.high == pytest.approx(np.percentile(macro, 95), rel=1e-12)
    assert s.pooled.low <= s.pooled.value <= s.pooled.high


def test_holm_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005 = 0.02, max(0.02, 3*0.01) = 0.03, max(0.03, 2*0.03) = 0.06,
    # max(0.06, 1*0.04) = 0.06; returned in the input order
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]).tolist() == [1.0, 1.0]
    out = holm([0.01, float("nan")])
    assert out[0] == pytest.approx(0.01) and np.isnan(out[1])  # NaN leaves the family


def exact_sign_flip_p(d, n):
    t = abs(sum(d) / n)
    flips = [abs(np.dot(e, d)) / n for e in itertools.product((-1, 1), repeat=len(d))]
    return np.mean([f >= t - 1e-12 for f in flips])


@pytest.mark.parametrize("d", [[1.0, 1.0, 1.0], [0.5, -0.2, 0.9, 0.1], [2.0, -2.0]])
def test_sign_flip_p_value_approaches_the_exact_enumeration(d):
    p = sign_flip_p_value(np.array(d), 5.0, 40_000, seed=0)
    assert p == pytest.approx(exact_sign_flip_p(d, 5.0), abs=0.01)


def test_compare_identical_predictors_and_a_clear_winner():
    rng = np.random.default_rng(1)
    a = [{"cc": rng.normal(0.5, 0.1, 8), "kld": rng.normal(1, 0.1, 8)} for _ in range(12)]
    groups = [f"v{i}" for i in range(12)]
    same = compare(a, a, groups, ["cc", "kld"], bootstrap=200, permutations=500)
    assert all(r.delta.value == 0 and r.p_value == 1.0 for r in same)
    b = [{"cc": v["cc"] - 0.2, "kld": v["kld"] + 0.3} for v in a]
    rows = compare(a, b, groups, ["cc", "kld"], bootstrap=200, permutations=2000)
    pooled = {r.metric: r for r in rows if r.statistic == "pooled"}
    assert pooled["cc"].delta.value == pytest.approx(0.2)
    assert pooled["kld"].delta.value == pytest.approx(-0.3)
    assert pooled["cc"].delta.low == pytest.approx(0.2) and pooled["cc"].delta.high == pytest.approx(0.2)
    # 12 clusters: the smallest attainable p is about 2/2^12; every replicate here is smaller than |T|
    assert pooled["cc"].p_value < 0.01 and pooled["cc"].p_holm == pytest.approx(min(1, 2 * pooled["cc"].p_value))
    assert {r.statistic for r in rows} == {"pooled", "macro"} and len(rows) == 4


def test_compare_uses_only_frames_valid_in_both():
    a = [{"nss": np.array([1.0, np.nan, 3.0])}]
    b = [{"nss": np.array([0.0, 5.0, np.nan])}]
    (pooled, macro) = compare(a, b, ["v"], ["nss"], bootstrap=10, permutations=10)
    assert pooled.delta.value == 1.0 and pooled.n_common == 1 and pooled.n_dropped == 2
    assert pooled.a == 1.0 and pooled.b == 0.0


def test_bad_statistics_options():
    with pytest.raises(ValueError):
        summarize([{"cc": np.ones(2)}], ["v"], ["cc"], ci_level=1.5)
    with pytest.raises(ValueError):
        bootstrap_weights(3, 0, 0)
