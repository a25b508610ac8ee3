"""Metric self-check: oracle cases of the MATLAB reference and a timing of ``evaluate_frame``.

Run by ``salbench run`` (and usable from Python) to confirm, on the user's machine, that the compiled
kernels reproduce the reference values of ``../shared/specs/metrics.md`` section 15 and how fast they are.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from . import metrics as M

_SAUC_PRED = np.array([[0, 51, 153, 166], [140, 255, 245, 10], [230, 20, 30, 40]], dtype=np.uint8)
_SAUC_FIX = np.array([[0, 1, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
_SAUC_OTHER = np.array([[1, 0, 0, 1], [1, 0, 1, 0], [0, 0, 0, 0]], dtype=bool)
_IMRESIZE_IN = np.array(
    [[116, 227, 153, 69, 146, 194, 59, 130, 139, 106], [2, 47, 137, 249, 90, 75, 16, 24, 158, 44],
     [155, 68, 46, 84, 166, 156, 69, 204, 32, 152], [71, 221, 137, 230, 210, 153, 192, 115, 30, 118],
     [107, 143, 108, 52, 51, 73, 101, 21, 175, 90], [54, 158, 143, 77, 26, 168, 113, 229, 165, 225],
     [9, 47, 133, 135, 130, 207, 236, 43, 19, 73], [129, 60, 59, 243, 64, 181, 249, 56, 32, 86]],
    dtype=np.uint8,
)
_IMRESIZE_THIRD = [[115, 135, 97, 101], [113, 119, 124, 125], [81, 157, 118, 64]]


@dataclass(frozen=True)
class Check:
    """One oracle case: a description, how to compute it, and the reference value."""

    name: str
    compute: Callable[[], object]
    expected: object

    def passed(self) -> bool:
        got = self.compute()
        if isinstance(self.expected, float):
            return math.isclose(float(got), self.expected, rel_tol=1e-12)
        return bool(np.array_equal(got, self.expected))


CHECKS: tuple[Check, ...] = (
    Check("NSS, ddof = 1 (oracle 1)", lambda: M.nss([[1, 2], [3, 4]], [[0, 0], [0, 1]]), 1.161895003862225),
    Check("CC (oracle 6)", lambda: M.cc([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), 0.6546536707079771),
    Check("SIM with min-max step (oracle 11)",
          lambda: M.sim([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), 0.6666666666666666),
    Check("KLD, eps inside the log (oracle 14)",
          lambda: M.kld([[0, 0, 1], [0, 2, 0]], [[0, 1, 1], [0, 1, 0]]), 11.417297973296366),
    Check("AUC-Judd, no off-by-one (oracle 16)",
          lambda: M.auc_judd([[.1, .4, .2], [.9, .3, .5]], [[0, 0, 0], [1, 1, 0]], rng=0), 0.875),
    Check("AUC-Judd, fp steps back on ties (oracle 18)",
          lambda: M.auc_judd([[.2, .5, .5], [.5, .9, 0]], [[0, 1, 1], [0, 0, 0]], jitter=False), 0.5),
    Check("s-AUC, MATLAB colon thresholds (oracle 15.2)",
          lambda: M.auc_shuffled(_SAUC_PRED, _SAUC_FIX, _SAUC_OTHER, rng=0), 0.6875),
    Check("imresize(A, 1/3), uint8, symmetric (oracle 15.3)",
          lambda: M.imresize(_IMRESIZE_IN, 1 / 3), np.array(_IMRESIZE_THIRD, dtype=np.uint8)),
)


def run_checks() -> list[tuple[str, bool]]:
    """Evaluate every :data:`CHECKS` case; returns ``(name, passed)`` pairs."""
    return [(check.name, check.passed()) for check in CHECKS]


def benchmark_frame(shape: tuple[int, int] = (360, 640), n_fixations: int = 40, n_other: int = 400,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A DHF1K-like frame: an 8-bit smooth prediction, a blurred 8-bit GT map, fixations and an other map.

    The GT map is the Gaussian blur (sigma 12.7 px, FWHM 30 px) of the fixations, max-normalised and
    quantised to 8 bits, as DHF1K's maps are made. Returns ``(pred, gt_map, fixations, other)``.
    """
    rng = np.random.default_rng(seed)
    pred = gaussian_filter(rng.random(shape), 20)
    pred = np.round(255 * (pred - pred.min()) / (pred.max() - pred.min())).astype(np.uint8)
    fixations = np.zeros(shape, dtype=bool)
    fixations.flat[rng.choice(fixations.size, n_fixations, replace=False)] = True
    blurred = gaussian_filter(fixations.astype(np.float64), 30 / 2.3548200450309493)
    gt_map = np.round(255 * blurred / blurred.max()).astype(np.uint8)
    other = np.zeros(shape, dtype=bool)
    other.flat[rng.choice(other.size, n_other, replace=False)] = True
    return pred, gt_map, fixations, other


def time_evaluate_frame(repeats: int = 30, seed: int = 0) -> float:
    """Median wall time (seconds) of ``evaluate_frame`` with all six metrics on :func:`benchmark_frame`."""
    pred, gt_map, fixations, other = benchmark_frame(seed=seed)
    M.evaluate_frame(pred, gt_map, fixations, other, rng=seed)  # compile / load the kernel cache
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        M.evaluate_frame(pred, gt_map, fixations, other, rng=seed + i)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
