"""The 8-bit (uint8) fast paths against the float64 paths and brute force, including their edge cases."""

import math

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from salbench import metrics as M
from salbench.selfcheck import benchmark_frame


def eight_bit_frame(seed, shape=(45, 80), levels=256):
    rng = np.random.default_rng(seed)
    p = gaussian_filter(rng.random(shape), 3)
    p = np.round((levels - 1) * (p - p.min()) / (p.max() - p.min())).astype(np.uint8)
    g = gaussian_filter(rng.random(shape) ** 8, 2)
    g = np.round(255 * g / g.max()).astype(np.uint8)  # many exact zeros, like DHF1K maps
    fix = np.zeros(shape, dtype=bool)
    fix.flat[rng.choice(fix.size, 20, replace=False)] = True
    fix[p == p.max()] = True  # fixations sharing a level
    other = np.zeros(shape, dtype=bool)
    other.flat[rng.choice(other.size, 90, replace=False)] = True
    return p, g, fix, other


@pytest.mark.parametrize("seed, levels", [(0, 256), (1, 256), (2, 7), (3, 2)])
def test_eight_bit_paths_agree_with_float_paths(seed, levels):
    p, g, fix, other = eight_bit_frame(seed, levels=levels)
    ours = M.evaluate_frame(p, g, fix, other, rng=seed)
    floats = M.evaluate_frame(p.astype(float), g.astype(float), fix, other, rng=seed)
    for name in M.ALL:
        assert math.isclose(ours[name], floats[name], rel_tol=1e-12, abs_tol=1e-13), name
    assert ours["auc_j"] == floats["auc_j"]  # same expressions on the same values: identical bits
    assert ours["s_auc"] == floats["s_auc"]


def test_eight_bit_auc_judd_without_jitter_on_heavy_ties():
    p, _, fix, _ = eight_bit_frame(4, levels=4)  # 4 levels: most pixels tie with a threshold
    assert M.auc_judd(p, fix, jitter=False) == M.auc_judd(p.astype(float), fix, jitter=False)
    assert M.auc_judd(p, fix, jitter=False, variant="tmfi") == M.auc_judd(p.astype(float), fix, jitter=False,
                                                                           variant="tmfi")


def test_replayed_jitter_too_large_for_levels_falls_back_to_the_general_path():
    p, _, fix, _ = eight_bit_frame(5)
    huge = np.random.default_rng(0).random(p.shape) * 1e9  # 100 levels of jitter: levels interleave
    assert M.auc_judd(p, fix, jitter=huge) == M.auc_judd(p.astype(float), fix, jitter=huge)


def test_eight_bit_edge_cases():
    zeros = np.zeros((4, 5), dtype=np.uint8)
    const = np.full((4, 5), 7, dtype=np.uint8)
    ramp = np.arange(20, dtype=np.uint8).reshape(4, 5)
    fix = np.zeros((4, 5), dtype=bool)
    fix[1, 2] = fix[3, 4] = True
    assert M.sim(zeros, ramp) == 0.0 and math.isnan(M.sim(const, ramp))
    assert math.isnan(M.cc(const, ramp)) and math.isnan(M.nss(const, fix))
    assert M.kld(ramp, zeros) == 0.0
    assert math.isclose(M.kld(zeros, ramp), M.kld(zeros.astype(float), ramp.astype(float)), rel_tol=1e-12)
    assert math.isnan(M.auc_judd(const, fix, jitter=False))
    assert 0.0 <= M.auc_judd(const, fix, rng=1) <= 1.0
    assert M.auc_judd(const, fix, rng=1) == M.auc_judd(const.astype(float), fix, rng=1)
    assert math.isclose(M.cc(ramp, ramp), 1.0, rel_tol=1e-12) and math.isclose(M.sim(ramp, ramp), 1.0, rel_tol=1e-12)


def test_benchmark_frame_agrees_across_dtypes():
    pred, gt_map, fix, other = benchmark_frame(shape=(90, 160), n_fixations=15, n_other=150)
    ours = M.evaluate_frame(pred, gt_map, fix, other, rng=3)
    floats = M.evaluate_frame(pred / 1.0, gt_map / 1.0, fix, other, rng=3)
    assert ours == pytest.approx(floats, rel=1e-12, abs=1e-13)
