"""Every oracle case of ../shared/specs/metrics.md section 15, to 1e-12 relative (NaN where NaN).

The expected numbers are copied from the spec (hand-derivable rationals or outputs of real MATLAB), never
from salbench itself.
"""

import math

import numpy as np
import pytest

from salbench import metrics as M

REL = 1e-12


def close(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=REL, abs_tol=1e-300)


A22 = [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: M.nss(A22, [[0, 0], [0, 1]]), 1.5 / math.sqrt(5 / 3)),
        (lambda: M.nss(A22, [[0, 0], [0, 1]]), 1.161895003862225),
        (lambda: M.nss(A22, [[0, 0], [0, 3]]), 1.161895003862225),
        (lambda: M.nss(A22, [[1, 0], [0, 1]]), 0.0),
        (lambda: M.nss(np.ones((2, 2)), [[1, 0], [0, 1]]), math.nan),
        (lambda: M.cc(A22, [[1, 3], [2, 4]]), 0.8000000000000002),
        (lambda: M.cc([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), math.sqrt(3 / 7)),
        (lambda: M.cc(np.ones((2, 2)), [[1, 3], [2, 4]]), math.nan),
        (lambda: M.sim(A22, [[4, 3], [2, 1]]), 1 / 3),
        (lambda: M.sim(np.zeros((2, 2)), A22), 0.0),
        (lambda: M.sim(5 * np.ones((2, 2)), A22), math.nan),
        (lambda: M.sim([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), 0.6666666666666666),
        (lambda: M.kld(np.ones((2, 2)), [[1, 0], [0, 0]]), 1.3862943611198897),
        (lambda: M.kld(np.zeros((2, 2)), [[1, 0], [0, 0]]), 36.04365338911715),
        (lambda: M.kld([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), 11.417297973296366),
        (lambda: M.kld(A22, np.zeros((2, 2))), 0.0),
        (lambda: M.auc_judd([[.1, .4, .2], [.9, .3, .5]], [[0, 0, 0], [1, 1, 0]], jitter=False), 0.875),
        (lambda: M.auc_judd([[.1, .4, .2], [.9, .3, .5]], [[0, 0, 0], [1, 1, 0]], jitter=True, rng=0), 0.875),
        (lambda: M.auc_judd([[.1, .4, .2], [.9, .3, .5]], [[0, 0, 0], [1, 1, 0]], jitter=True, rng=123), 0.875),
        (lambda: M.auc_judd([[.2, .5, .5], [.5, .9, 0]], [[0, 1, 0], [0, 0, 0]], jitter=False), 0.7),
        (lambda: M.auc_judd([[.2, .5, .5], [.5, .9, 0]], [[0, 1, 1], [0, 0, 0]], jitter=False), 0.5),
        (lambda: M.auc_judd(np.ones((2, 3)), [[0, 0, 0], [1, 1, 0]], jitter=False), math.nan),
    ],
    ids=[
        "1-nss", "1-nss-float", "2-nss-count", "3-nss-zero", "4-nss-const", "5-cc", "6-cc", "7-cc-const",
        "8-sim", "9-sim-zero", "10-sim-const", "11-sim", "12-kld", "13-kld-zero-pred", "14-kld", "15-kld-zero-gt",
        "16-aucj-off", "16-aucj-on-0", "16-aucj-on-123", "17-aucj", "18-aucj-stepback", "19-aucj-const",
    ],
)
def test_small_deterministic_oracles(call, expected):
    assert close(call(), expected)


def test_nss_ddof_is_one_not_zero():
    assert not math.isclose(M.nss(A22, [[0, 0], [0, 1]]), 1.3416407864998738, rel_tol=1e-6)


@pytest.mark.parametrize("pred", [np.arange(6.0).reshape(2, 3), np.ones((2, 3)), np.zeros((2, 3))])
def test_oracle_20_no_fixations_is_nan(pred):
    zeros = np.zeros((2, 3))
    assert math.isnan(M.auc_judd(pred, zeros, rng=0))
    assert math.isnan(M.auc_shuffled(pred, zeros, np.ones((2, 3)), rng=0))
    assert math.isnan(M.nss(pred, zeros))


# --- 15.2: s-AUC on 8-bit values, threshold-sensitive ---------------------------------------------------

SAUC_PRED = np.array([[0, 51, 153, 166], [140, 255, 245, 10], [230, 20, 30, 40]], dtype=float)


def _points(*rc):
    out = np.zeros((3, 4))
    for r, c in rc:
        out[r - 1, c - 1] = 1
    return out


SAUC_FIX = _points((1, 3), (2, 2), (1, 2), (3, 1))
SAUC_OTHER = _points((1, 4), (2, 1), (2, 3), (1, 1))


@pytest.mark.parametrize("n_splits, seed", [(100, 0), (1, 7), (13, None)])
def test_sauc_matlab_thresholds_give_0_6875(n_splits, seed):
    assert M.auc_shuffled(SAUC_PRED, SAUC_FIX, SAUC_OTHER, n_splits=n_splits, rng=seed) == 0.6875


def test_sauc_uint8_input_gives_the_same_0_6875():
    assert M.auc_shuffled(SAUC_PRED.astype(np.uint8), SAUC_FIX, SAUC_OTHER.astype(bool)) == 0.6875


@pytest.mark.parametrize("variant, expected", [("octave", 0.625), ("unisal", 0.59375)])
def test_sauc_legacy_threshold_variants(variant, expected):
    assert M.auc_shuffled(SAUC_PRED, SAUC_FIX, SAUC_OTHER, variant=variant) == expected


def test_aucj_tmfi_off_by_one_variant():
    assert M.auc_judd([[.1, .4, .2], [.9, .3, .5]], [[0, 0, 0], [1, 1, 0]], jitter=False, variant="tmfi") == 0.6875


# --- 8: MATLAB colon ------------------------------------------------------------------------------------


def test_colon_checks_from_the_spec():
    diff = M.matlab_colon(0, 0.1, 0.3) - M.matlab_colon(0, 0.1, 0.4)[:4]
    assert diff.tolist() == [0.0, 0.0, -2.7755575615628914e-17, -5.551115123125783e-17]
    full = M.matlab_colon(0, 0.1, 1)
    assert full[6] == 0.6 and full[7] == 0.7
    assert full[6] == 153 / 255
    assert M.matlab_colon(0, 0.1, 0).tolist() == [0.0]
    assert M.matlab_colon(0, 0.1, 0.55)[3] == 0.3
    assert full[3] == 0.30000000000000004
    assert len(full) == 11 and full[0] == 0.0 and full[-1] == 1.0


def test_colon_integer_and_negative_and_empty_cases():
    assert M.matlab_colon(1, 1, 5.5).tolist() == [1, 2, 3, 4, 5]
    assert M.matlab_colon(2, 3, 11).tolist() == [2, 5, 8, 11]
    assert M.matlab_colon(5, -2, 0).tolist() == [5, 3, 1]
    assert M.matlab_colon(1, 0.5, 0).size == 0
    with pytest.raises(ValueError):
        M.matlab_colon(0, 0, 1)


def test_matlab_round_is_half_away_from_zero():
    assert M.matlab_round(2.5) == 3.0
    assert M.matlab_round(-2.5) == -3.0
    assert M.matlab_round(0.49999999999999994) == 0.0
    assert M.matlab_round(-0.4) == 0.0


# --- 15.3: imresize, outputs of real MATLAB -------------------------------------------------------------

A = np.array(
    [
        [116, 227, 153, 69, 146, 194, 59, 130, 139, 106],
        [2, 47, 137, 249, 90, 75, 16, 24, 158, 44],
        [155, 68, 46, 84, 166, 156, 69, 204, 32, 152],
        [71, 221, 137, 230, 210, 153, 192, 115, 30, 118],
        [107, 143, 108, 52, 51, 73, 101, 21, 175, 90],
        [54, 158, 143, 77, 26, 168, 113, 229, 165, 225],
        [9, 47, 133, 135, 130, 207, 236, 43, 19, 73],
        [129, 60, 59, 243, 64, 181, 249, 56, 32, 86],
    ],
    dtype=np.uint8,
)
A7 = A[:7]


@pytest.mark.parametrize(
    "img, kwargs, expected",
    [
        (A7, dict(boundary="replicate"),
         [[103, 141, 124, 78, 110], [111, 134, 153, 114, 91], [115, 108, 93, 128, 146], [38, 124, 175, 143, 54]]),
        (A7, dict(method="bilinear", boundary="replicate"),
         [[108, 136, 125, 89, 107], [111, 132, 143, 114, 99], [106, 110, 106, 127, 136], [47, 121, 163, 138, 68]]),
        (A, dict(),
         [[105, 140, 126, 81, 109], [110, 134, 153, 114, 93], [108, 108, 94, 127, 146], [67, 126, 162, 149, 62]]),
        (A, dict(antialias=False),
         [[92, 164, 123, 38, 118], [139, 116, 188, 167, 69], [121, 87, 67, 108, 180], [54, 153, 141, 149, 42]]),
    ],
    ids=["old-bicubic", "old-bilinear", "new-bicubic", "new-no-antialias"],
)
def test_imresize_half_scale_matches_matlab(img, kwargs, expected):
    out = M.imresize(img, 0.5, **kwargs)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.array(expected, dtype=np.uint8))


def test_imresize_one_third_scalar_scale_matches_matlab():
    out = M.imresize(A, 1 / 3)
    np.testing.assert_array_equal(out, [[115, 135, 97, 101], [113, 119, 124, 125], [81, 157, 118, 64]])
    # the [m n] form uses out/in as kernel scale, which is not MATLAB's 1/3 result
    assert not np.array_equal(M.imresize(A, (3, 4)), out)


def test_imresize_same_size_returns_an_exact_copy():
    x = A.astype(float)
    out = M.imresize(x, A.shape)
    np.testing.assert_array_equal(out, x)
    assert out is not x
    np.testing.assert_array_equal(M.imresize(A, 1.0), A)
