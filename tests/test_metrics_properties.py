"""Properties, independent brute-force re-implementations, edge cases, validation and determinism."""

import math

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from salbench import metrics as M

EPS = np.finfo(np.float64).eps


def smooth_map(rng, shape=(36, 64), sigma=3.0):
    return gaussian_filter(rng.random(shape), sigma)


def random_fixations(rng, shape=(36, 64), n=12):
    fix = np.zeros(shape, dtype=bool)
    fix.flat[rng.choice(fix.size, n, replace=False)] = True
    return fix


# --- brute-force references written from metrics.md, pixel by pixel -------------------------------------


def ref_trapz(fp, tp):
    return sum((fp[k + 1] - fp[k]) * (tp[k] + tp[k + 1]) for k in range(len(fp) - 1)) / 2


def ref_auc_judd(pred, fix, noise=None):
    s = pred.astype(float).ravel()
    if noise is not None:
        s = s + noise.ravel() / 1e7
    s = (s - s.min()) / (s.max() - s.min())
    fixed = s[np.flatnonzero(fix.ravel())]
    nf, npix = len(fixed), s.size
    fp, tp = [0.0], [0.0]
    for i, t in enumerate(sorted(fixed, reverse=True), start=1):
        a_i = int(np.sum(s >= t))
        tp.append(i / nf)
        fp.append((a_i - i) / (npix - nf))
    return ref_trapz(fp + [1.0], tp + [1.0])


def ref_auc_shuffled(pred, fix, other, n_splits, rng):
    s = pred.astype(float).ravel()
    s = (s - s.min()) / (s.max() - s.min())
    sth = s[np.flatnonzero(fix.ravel())]
    o = np.flatnonzero(other.ravel())
    n_neg = min(len(sth), len(o))
    draws = rng.integers(0, len(o) - np.arange(n_neg), size=(n_splits, n_neg))
    aucs = []
    for split in range(n_splits):
        idx = o.copy()
        for k in range(n_neg):
            j = k + draws[split, k]
            idx[k], idx[j] = idx[j], idx[k]
        neg = s[idx[:n_neg]]
        thresholds = M.matlab_colon(0, 0.1, max(sth.max(), neg.max()))[::-1]
        tp = [0.0] + [np.sum(sth >= t) / len(sth) for t in thresholds] + [1.0]
        fp = [0.0] + [np.sum(neg >= t) / n_neg for t in thresholds] + [1.0]
        aucs.append(ref_trapz(fp, tp))
    return sum(aucs) / n_splits


def ref_sim(p, g):
    p = (p - p.min()) / (p.max() - p.min())
    g = (g - g.min()) / (g.max() - g.min())
    return np.minimum(p / p.sum(), g / g.sum()).sum()


def ref_kld(p, g):
    P, Q = p / p.sum(), g / g.sum()
    return np.sum(Q * np.log(EPS + Q / (P + EPS)))


@pytest.mark.parametrize("seed", range(5))
def test_continuous_metrics_match_numpy_formulas(seed):
    rng = np.random.default_rng(seed)
    p, g = smooth_map(rng) * 7 + 1, smooth_map(rng)
    fix = random_fixations(rng)
    assert math.isclose(M.cc(p, g), np.corrcoef(p.ravel(), g.ravel())[0, 1], rel_tol=1e-12)
    z = (p - p.mean()) / p.std(ddof=1)
    assert math.isclose(M.nss(p, fix), z[fix].mean(), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(M.sim(p, g), ref_sim(p, g), rel_tol=1e-12)
    assert math.isclose(M.kld(p, g), ref_kld(p, g), rel_tol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_auc_judd_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    p = np.round(smooth_map(rng) * 255)  # 8-bit values: many exact ties
    fix = random_fixations(rng, n=5 + 7 * seed)
    if seed % 2:
        fix[fix.shape[0] // 2, :] = True  # fixated pixels sharing values
    assert math.isclose(M.auc_judd(p, fix, jitter=False), ref_auc_judd(p, fix), rel_tol=1e-12)
    noise = np.random.default_rng(100 + seed).random(p.shape)
    got = M.auc_judd(p, fix, rng=np.random.default_rng(100 + seed))
    assert math.isclose(got, ref_auc_judd(p, fix, noise), rel_tol=1e-12)
    assert got == M.auc_judd(p, fix, jitter=noise)


@pytest.mark.parametrize("seed", range(4))
def test_auc_shuffled_matches_brute_force_sampler(seed):
    rng = np.random.default_rng(seed)
    p = np.round(smooth_map(rng) * 255).astype(np.uint8)
    fix = random_fixations(rng, n=10)
    other = random_fixations(rng, n=60)
    expected = ref_auc_shuffled(p, fix, other, 20, np.random.default_rng(seed + 50))
    assert math.isclose(M.auc_shuffled(p, fix, other, n_splits=20, rng=seed + 50), expected, rel_tol=1e-12)


def test_sauc_with_few_other_pixels_is_deterministic():
    rng = np.random.default_rng(3)
    p, fix, other = smooth_map(rng), random_fixations(rng, n=30), random_fixations(rng, n=10)
    values = {M.auc_shuffled(p, fix, other, rng=s) for s in range(5)}
    assert len(values) == 1
    expected = ref_auc_shuffled(p, fix, other, 1, np.random.default_rng(0))
    assert math.isclose(values.pop(), expected, rel_tol=1e-12)


# --- properties -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_cc_symmetry_and_affine_invariance(seed):
    rng = np.random.default_rng(seed)
    p, g = smooth_map(rng), smooth_map(rng)
    fix, other = random_fixations(rng), random_fixations(rng, n=80)
    assert math.isclose(M.cc(p, g), M.cc(g, p), rel_tol=1e-12)
    assert -1.0 <= M.cc(p, g) <= 1.0
    a, b = 3.7, -12.5  # positive affine map of the prediction
    q = a * p + b
    assert math.isclose(M.cc(q, g), M.cc(p, g), rel_tol=1e-9)
    assert math.isclose(M.nss(q, fix), M.nss(p, fix), rel_tol=1e-9)
    assert math.isclose(M.auc_judd(q, fix, jitter=False), M.auc_judd(p, fix, jitter=False), rel_tol=1e-12)
    assert abs(M.auc_shuffled(q, fix, other, rng=1) - M.auc_shuffled(p, fix, other, rng=1)) < 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_sim_in_unit_interval_and_symmetric(seed):
    rng = np.random.default_rng(seed)
    p, g = smooth_map(rng), smooth_map(rng) ** 3
    s = M.sim(p, g)
    assert 0.0 <= s <= 1.0
    assert math.isclose(s, M.sim(g, p), rel_tol=1e-12)
    assert math.isclose(M.sim(p, p), 1.0, rel_tol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_kld_is_non_negative_and_zero_for_identical_maps(seed):
    rng = np.random.default_rng(seed)
    p, g = smooth_map(rng), smooth_map(rng)
    assert M.kld(p, g) >= -1e-12
    assert abs(M.kld(g, g)) < 1e-12
    assert M.kld(p, g) != M.kld(g, p)


def test_uint8_is_used_by_value():
    rng = np.random.default_rng(0)
    p = np.round(smooth_map(rng) * 200).astype(np.uint8)
    g = np.round(smooth_map(rng) * 255).astype(np.uint8)
    fix = random_fixations(rng)
    pf, gf = p.astype(float), g.astype(float)
    for fn in (M.cc, M.sim, M.kld):  # the 8-bit path groups the sums by value: same to a few ulps
        assert math.isclose(fn(p, g), fn(pf, gf), rel_tol=1e-12)
    assert math.isclose(M.nss(p, fix), M.nss(pf, fix), rel_tol=1e-12)
    assert math.isclose(M.nss(p, fix), M.nss(p / 255, fix), rel_tol=1e-12)  # no division by 255
    # the jitter is applied at the map's own scale: uint8 and float agree bit for bit
    assert M.auc_judd(p, fix, rng=5) == M.auc_judd(pf, fix, rng=5)
    assert M.auc_judd(p, fix, jitter=False) == M.auc_judd(pf, fix, jitter=False)


# --- NaN and zero edge cases ----------------------------------------------------------------------------


def test_nan_and_zero_edge_cases():
    g = np.arange(6.0).reshape(2, 3)
    fix = np.array([[0, 1, 0], [0, 0, 1]])
    const = np.full((2, 3), 0.1)  # non-integer constant: its mean may miss 0.1 by an ulp
    assert math.isnan(M.cc(const, g)) and math.isnan(M.cc(g, const))
    assert math.isnan(M.nss(const, fix))
    assert math.isnan(M.sim(const, g)) and math.isnan(M.sim(g, const))
    assert M.sim(g, np.zeros_like(g)) == 0.0
    assert math.isnan(M.auc_judd(const, fix, jitter=False))
    assert 0.0 <= M.auc_judd(const, fix, rng=0) <= 1.0  # jitter on: a random value, as in the reference
    assert math.isnan(M.auc_shuffled(const, fix, fix))
    assert math.isnan(M.auc_shuffled(g, fix, np.zeros_like(g)))
    assert math.isnan(M.auc_judd(g, np.ones_like(g), jitter=False))  # every pixel fixated
    assert M.kld(g, np.zeros_like(g)) == 0.0
    assert math.isnan(M.kld(g - 3, g))  # negative values: the MATLAB expression is complex
    assert math.isfinite(M.kld(g - 3, g, clip_negative=True))
    assert math.isclose(M.kld(g - 3, g, clip_negative=True), M.kld(np.clip(g - 3, 0, None), g), rel_tol=0)
    assert math.isnan(M.evaluate_frame(g, g, fix, None, rng=0)["s_auc"])


def test_count_map_counts_each_pixel_once():
    rng = np.random.default_rng(1)
    p = smooth_map(rng)
    fix = random_fixations(rng).astype(np.int32)
    counts = fix * rng.integers(1, 5, size=fix.shape)
    for fn in (M.nss, lambda a, b: M.auc_judd(a, b, rng=2)):
        assert fn(p, counts) == fn(p, fix)


# --- input validation -----------------------------------------------------------------------------------


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        M.cc(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"fixations"):
        M.nss(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"other"):
        M.auc_shuffled(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_prediction_is_rejected(bad):
    p = np.arange(6.0).reshape(2, 3)
    p[1, 2] = bad
    with pytest.raises(ValueError, match=r"pred.*non-finite.*row 1, col 2"):
        M.evaluate_frame(p, np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"gt_map.*non-finite"):
        M.cc(np.ones((2, 3)), p)


def test_three_d_and_bad_fixations_are_rejected():
    with pytest.raises(ValueError, match=r"2-D"):
        M.sim(np.ones((2, 3, 3)), np.ones((2, 3, 3)))
    with pytest.raises(ValueError, match=r"2-D"):
        M.nss(np.ones((2, 3)), np.ones((2, 3, 1)))
    with pytest.raises(ValueError, match=r"negative or NaN"):
        M.nss(np.ones((2, 3)), np.array([[0, -1, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match=r"negative or NaN"):
        M.auc_judd(np.ones((2, 3)), np.array([[0, np.nan, 0], [0, 0, 1.0]]))
    with pytest.raises(ValueError, match=r"valid names"):
        M.evaluate_frame(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)), names=["auc"])
    with pytest.raises(ValueError, match=r"unknown s_auc_variant"):
        M.auc_shuffled(np.eye(3), np.eye(3), np.eye(3), variant="python")
    with pytest.raises(TypeError, match=r"rng"):
        M.auc_judd(np.eye(3), np.eye(3), rng="seed")


# --- determinism and random streams ---------------------------------------------------------------------


def _natural_frame(seed=0, shape=(72, 128)):
    rng = np.random.default_rng(seed)
    p = np.round(smooth_map(rng, shape, 6) * 255)
    return p, smooth_map(rng, shape, 4), random_fixations(rng, shape, 30), random_fixations(rng, shape, 300)


def test_same_seed_same_bits_different_seed_within_monte_carlo_error():
    p, g, fix, other = _natural_frame()
    first = M.evaluate_frame(p, g, fix, other, rng=11)
    assert first == M.evaluate_frame(p, g, fix, other, rng=11)
    assert first == M.evaluate_frame(p, g, fix, other, rng=np.int64(11))
    # Monte-Carlo error of s-AUC: the mean of 100 independent splits has sd = (per-split sd)/10
    per_split = np.array([M.auc_shuffled(p, fix, other, n_splits=1, rng=s) for s in range(400)])
    means = np.array([M.auc_shuffled(p, fix, other, n_splits=100, rng=1000 + s) for s in range(40)])
    assert len(set(means.tolist())) > 1  # the splits really are random
    expected_sd = per_split.std(ddof=1) / 10
    assert 0.5 * expected_sd < means.std(ddof=1) < 2 * expected_sd
    assert abs(means.mean() - per_split.mean()) < 4 * per_split.std(ddof=1) / math.sqrt(400)


def test_evaluate_frame_equals_standalone_functions_on_child_streams():
    p, g, fix, other = _natural_frame(1)
    got = M.evaluate_frame(p, g, fix, other, rng=42, kld_clip_negative=True)
    assert list(got) == list(M.ALL)
    aj, sa = [np.random.default_rng(c) for c in np.random.SeedSequence(42).spawn(2)]
    assert got == {
        "cc": M.cc(p, g),
        "nss": M.nss(p, fix),
        "sim": M.sim(p, g),
        "kld": M.kld(p, g, clip_negative=True),
        "auc_j": M.auc_judd(p, fix, rng=aj),
        "s_auc": M.auc_shuffled(p, fix, other, rng=sa),
    }
    # a metric's value does not depend on which others were requested
    assert M.evaluate_frame(p, g, fix, other, rng=42, names=["s_auc"])["s_auc"] == got["s_auc"]
    assert M.evaluate_frame(p, None, fix, other, rng=42, names=("s_auc", "auc_j")) == {
        "s_auc": got["s_auc"], "auc_j": got["auc_j"]}
    # a Generator is split with Generator.spawn
    gen = np.random.default_rng(9)
    aj2, sa2 = np.random.default_rng(9).spawn(2)
    got2 = M.evaluate_frame(p, g, fix, other, rng=gen, names=["auc_j", "s_auc"])
    assert got2 == {"auc_j": M.auc_judd(p, fix, rng=aj2), "s_auc": M.auc_shuffled(p, fix, other, rng=sa2)}


def test_evaluate_frames_is_per_frame_exact_and_thread_count_independent():
    frames = [_natural_frame(s, (36, 64)) for s in range(6)]
    preds, gts, fixs, others = (list(x) for x in zip(*frames))
    others[2] = None
    one = M.evaluate_frames(preds, gts, fixs, others, rng=3, n_jobs=1)
    two = M.evaluate_frames(preds, gts, fixs, others, rng=3, n_jobs=2)
    for name in M.ALL:
        np.testing.assert_array_equal(one[name], two[name])
    children = [np.random.default_rng(c) for c in np.random.SeedSequence(3).spawn(6)]
    for f in range(6):
        expected = M.evaluate_frame(preds[f], gts[f], fixs[f], others[f], rng=children[f])
        assert {n: one[n][f] for n in M.ALL} == pytest.approx(expected, rel=0, abs=0, nan_ok=True)
    assert np.isnan(one["s_auc"][2])
    bad = list(preds)
    bad[4] = np.full((36, 64), np.nan)
    with pytest.raises(ValueError, match=r"frame 4: pred"):
        M.evaluate_frames(bad, gts, fixs, others, rng=0)


def test_matlab_stream_replay_is_accepted():
    p, _, fix, _ = _natural_frame(2)
    u = np.random.RandomState(5489).random_sample(p.size).reshape(p.shape, order="F")
    assert M.auc_judd(p, fix, jitter=u) == M.auc_judd(p, fix, jitter=u.copy())
    with pytest.raises(ValueError, match=r"jitter array"):
        M.auc_judd(p, fix, jitter=u[:5])
