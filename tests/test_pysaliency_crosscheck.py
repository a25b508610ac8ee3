"""Cross-check against pysaliency (MIT licence) on inputs where the two definitions coincide.

metrics.md section 13 lists where pysaliency differs from the MATLAB reference; each check below picks
inputs outside those differences (or corrects a documented constant factor) and requires agreement to 1e-9.
Skipped when pysaliency is not installed (`.ci/run` installs it).
"""

import math

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from salbench import metrics as M

pysaliency = pytest.importorskip("pysaliency")
if not hasattr(np, "trapz"):  # pysaliency's ROC code calls np.trapz, removed in numpy 2.4
    np.trapz = np.trapezoid
from pysaliency import metrics as PM  # noqa: E402
from pysaliency.roc import general_roc  # noqa: E402

TOL = 1e-9


def frame(seed, shape=(48, 80), n_fix=25):
    rng = np.random.default_rng(seed)
    pred = gaussian_filter(rng.random(shape), 4) + 0.01
    gt = gaussian_filter(rng.random(shape), 6) + 0.01
    fix = np.zeros(shape, dtype=bool)
    fix.flat[rng.choice(fix.size, n_fix, replace=False)] = True
    return pred, gt, fix


@pytest.mark.parametrize("seed", range(4))
def test_cc_agrees(seed):
    pred, gt, _ = frame(seed)
    assert math.isclose(M.cc(pred, gt), PM.CC(pred, gt), rel_tol=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_nss_agrees_after_the_ddof_factor(seed):
    pred, _, fix = frame(seed)
    ys, xs = np.nonzero(fix)
    theirs = PM.NSS(pred, xs, ys).mean()  # ddof = 0
    n = pred.size
    assert math.isclose(M.nss(pred, fix), theirs * math.sqrt((n - 1) / n), rel_tol=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_sim_agrees_when_both_minima_are_zero(seed):
    pred, gt, _ = frame(seed)
    pred, gt = pred - pred.min(), gt - gt.min()  # then the min-max step pysaliency omits is a pure scale
    assert math.isclose(M.sim(pred, gt), PM.SIM(pred, gt), rel_tol=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_kld_agrees_with_the_same_regularisation(seed):
    pred, gt, _ = frame(seed)
    eps = M.EPS
    theirs = PM.image_based_kl_divergence(pred, gt, minimum_value=0, log_regularization=eps,
                                          quotient_regularization=eps)
    assert math.isclose(M.kld(pred, gt), theirs, rel_tol=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_auc_judd_agrees_without_jitter_on_distinct_values(seed):
    pred, _, fix = frame(seed)  # continuous values: no ties, so rank i equals the true-positive count
    flat, f = pred.ravel(), fix.ravel()
    theirs, _, _ = general_roc(flat[f].astype(float), flat[~f].astype(float), judd=1)
    assert math.isclose(M.auc_judd(pred, fix, jitter=False), theirs, rel_tol=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_shuffled_auc_agrees_on_the_threshold_grid_with_all_negatives(seed):
    rng = np.random.default_rng(seed)
    grid = M.matlab_colon(0, 0.1, 1)  # values on the thresholds themselves: no value falls between two
    shape = (30, 40)
    pred = grid[rng.integers(0, 11, size=shape)]
    pred[0, 0], pred[0, 1] = 0.0, 1.0  # min 0 and max 1: normalisation is the identity
    fix = np.zeros(shape, dtype=bool)
    fix.flat[rng.choice(pred.size, 40, replace=False)] = True
    fix[0, 1] = True  # the maximum is fixated, so every split's thresholds are 0:0.1:1
    other = np.zeros(shape, dtype=bool)
    other.flat[rng.choice(pred.size, 30, replace=False)] = True  # M <= Nf: every split uses all of other
    flat = pred.ravel()
    theirs, _, _ = general_roc(flat[fix.ravel()], flat[other.ravel()], judd=0)
    assert math.isclose(M.auc_shuffled(pred, fix, other, rng=0), theirs, rel_tol=TOL)
