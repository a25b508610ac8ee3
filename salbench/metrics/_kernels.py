"""Numba kernels behind :mod:`salbench.metrics`.

Every kernel works on flat (1-D, C-order) float64 arrays and accumulates in float64, with
``fastmath=False`` and ``error_model="numpy"`` so that x/0 gives inf/nan as in MATLAB
(``../shared/specs/metrics.md`` section 1.2). Randomness never happens here: the callers draw it in
vectorised numpy from an explicit generator and pass the arrays in.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .colon import EPS, colon_kernel

_JIT = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")

# Threshold-list constructions for the shuffled AUC (metrics.md sections 8 and 14).
THRESHOLDS_MATLAB = 0  # MATLAB colon 0:step:m, the reference
THRESHOLDS_OCTAVE = 1  # k*step for k = 0..n, end point kept (GNU Octave ranges)
THRESHOLDS_ARANGE = 2  # np.arange(0, m, step): end point dropped (UNISAL)


@numba.njit(**_JIT)
def min_max_sum(x: np.ndarray) -> tuple[float, float, float, bool]:
    """One pass: minimum, maximum, sum and whether every value is finite."""
    mn = np.inf
    mx = -np.inf
    total = 0.0
    finite = True
    for k in range(x.size):
        v = x[k]
        if not (v - v == 0.0):  # NaN or +-inf
            finite = False
        if v < mn:
            mn = v
        if v > mx:
            mx = v
        total += v
    return mn, mx, total, finite


@numba.njit(**_JIT)
def sum_sq_dev(x: np.ndarray, mean: float) -> float:
    """Second pass of the two-pass variance: ``sum((x - mean)^2)``."""
    total = 0.0
    for k in range(x.size):
        d = x[k] - mean
        total += d * d
    return total


@numba.njit(**_JIT)
def sum_cross_dev(x: np.ndarray, mean_x: float, y: np.ndarray, mean_y: float) -> float:
    """``sum((x - mean_x)*(y - mean_y))``, the numerator of Pearson's r."""
    total = 0.0
    for k in range(x.size):
        total += (x[k] - mean_x) * (y[k] - mean_y)
    return total


@numba.njit(**_JIT)
def mean_z_at(x: np.ndarray, idx: np.ndarray, mean: float, std: float) -> float:
    """NSS: the mean of ``(x - mean)/std`` over the pixels ``idx``."""
    total = 0.0
    for k in range(idx.size):
        total += (x[idx[k]] - mean) / std
    return total / idx.size


@numba.njit(**_JIT)
def _min_max_normalised_sum(x: np.ndarray, mn: float, rng: float) -> float:
    total = 0.0
    for k in range(x.size):
        total += (x[k] - mn) / rng
    return total


@numba.njit(**_JIT)
def similarity(p: np.ndarray, p_min: float, p_max: float, g: np.ndarray, g_min: float, g_max: float) -> float:
    """similarity.m for two non-constant maps: min-max normalise, divide by the sum, sum the minimum."""
    p_rng = p_max - p_min
    g_rng = g_max - g_min
    p_sum = _min_max_normalised_sum(p, p_min, p_rng)
    g_sum = _min_max_normalised_sum(g, g_min, g_rng)
    total = 0.0
    for k in range(p.size):
        a = ((p[k] - p_min) / p_rng) / p_sum
        b = ((g[k] - g_min) / g_rng) / g_sum
        total += a if a < b else b
    return total


@numba.njit(**_JIT)
def clipped_sum(x: np.ndarray) -> float:
    """``sum(max(x, 0))``."""
    total = 0.0
    for k in range(x.size):
        if x[k] > 0.0:
            total += x[k]
    return total


@numba.njit(**_JIT)
def kl_divergence(p: np.ndarray, p_sum: float, p_divide: bool, g: np.ndarray, g_sum: float, g_divide: bool,
                  clip_negative: bool) -> float:
    """KLdiv.m: ``sum(Q*ln(EPS + Q/(P + EPS)))`` with ``P = p/sum(p)``, ``Q = g/sum(g)``.

    ``*_divide`` is False for an all-zero map, which is used as it is. A term with ``Q == 0`` is exactly
    zero unless ``P + EPS`` is zero too (0/0, NaN as in MATLAB), so its log is skipped.
    """
    total = 0.0
    for k in range(p.size):
        pv = p[k]
        if clip_negative and pv < 0.0:
            pv = 0.0
        pp = pv / p_sum if p_divide else pv
        q = g[k] / g_sum if g_divide else g[k]
        if q == 0.0:
            if pp + EPS == 0.0:
                return np.nan
            continue
        total += q * math.log(EPS + q / (pp + EPS))
    return total


@numba.njit(**_JIT)
def trapz_roc(fp: np.ndarray, tp: np.ndarray) -> float:
    """MATLAB ``trapz(fp, tp)``: points taken in the given order, summed sequentially, halved at the end."""
    total = 0.0
    for k in range(fp.size - 1):
        total += (fp[k + 1] - fp[k]) * (tp[k] + tp[k + 1])
    return total / 2.0


@numba.njit(**_JIT)
def jittered_min_max(x: np.ndarray, u: np.ndarray, use_jitter: bool) -> tuple[float, float]:
    """Minimum and maximum of ``S = x + u/1e7`` (or of ``x`` without jitter)."""
    mn = np.inf
    mx = -np.inf
    for k in range(x.size):
        s = x[k] + u[k] / 1e7 if use_jitter else x[k]
        if s < mn:
            mn = s
        if s > mx:
            mx = s
    return mn, mx


@numba.njit(**_JIT)
def auc_judd(x: np.ndarray, u: np.ndarray, use_jitter: bool, s_min: float, s_max: float, fix_idx: np.ndarray,
             fp_offset: int) -> float:
    """AUC_Judd.m on ``S = x (+ u/1e7)``, with ``s_min < s_max`` already known and ``0 < Nf < Np``.

    Thresholds are the normalised fixated values; ``A_i`` (pixels with ``S >= t_i``) for all of them comes
    from one pass: each pixel's count of thresholds ``<= v`` is looked up in a uniform bucket table over
    [0, 1] (exact, since thresholds and pixels share one normalisation expression and the bucket function
    is monotone), histogrammed, and suffix-summed. O(N + Nf log Nf).
    ``fp_offset`` is 0 for the reference (``fp_i = (A_i - i)/(Np - Nf)``), 1 for the TMFI/ViNet variant.
    """
    n_pix = x.size
    n_fix = fix_idx.size
    rng = s_max - s_min
    asc = np.empty(n_fix, dtype=np.float64)
    for i in range(n_fix):
        k = fix_idx[i]
        s = x[k] + u[k] / 1e7 if use_jitter else x[k]
        asc[i] = (s - s_min) / rng
    asc.sort()

    n_buckets = max(64, 4 * n_fix)
    start = np.zeros(n_buckets + 1, dtype=np.int64)  # start[b] = #thresholds in buckets < b
    for i in range(n_fix):
        b = min(int(asc[i] * n_buckets), n_buckets - 1)
        start[b + 1] += 1
    for b in range(n_buckets):
        start[b + 1] += start[b]

    hist = np.zeros(n_fix + 1, dtype=np.int64)  # hist[j] = #pixels with exactly j thresholds <= value
    for k in range(n_pix):
        s = x[k] + u[k] / 1e7 if use_jitter else x[k]
        v = (s - s_min) / rng
        b = min(int(v * n_buckets), n_buckets - 1)
        pos = start[b]
        end = start[b + 1]
        while pos < end and asc[pos] <= v:
            pos += 1
        hist[pos] += 1

    # at_least[j] = #pixels with S >= asc[j] = #pixels whose count is >= j + 1
    at_least = np.empty(n_fix, dtype=np.int64)
    running = 0
    for j in range(n_fix, 0, -1):
        running += hist[j]
        at_least[j - 1] = running

    fp = np.empty(n_fix + 2, dtype=np.float64)
    tp = np.empty(n_fix + 2, dtype=np.float64)
    fp[0] = 0.0
    tp[0] = 0.0
    n_neg = n_pix - n_fix
    for i in range(1, n_fix + 1):  # thresholds in descending order: t_i = asc[Nf - i]
        a_i = at_least[n_fix - i]
        tp[i] = i / n_fix
        fp[i] = (a_i - (i - fp_offset)) / n_neg
    fp[n_fix + 1] = 1.0
    tp[n_fix + 1] = 1.0
    return trapz_roc(fp, tp)


@numba.njit(**_JIT)
def _thresholds(m: float, step: float, mode: int) -> np.ndarray:
    if mode == THRESHOLDS_MATLAB:
        return colon_kernel(0.0, step, m)
    if mode == THRESHOLDS_OCTAVE:
        n = colon_kernel(0.0, step, m).size
        out = np.empty(n, dtype=np.float64)
        for k in range(n):
            out[k] = k * step
        return out
    n = max(0, int(math.ceil(m / step)))
    out = np.empty(n, dtype=np.float64)
    for k in range(n):
        out[k] = k * step
    return out


@numba.njit(**_JIT)
def _shuffled_split_auc(sth: np.ndarray, neg: np.ndarray, sth_max: float, step: float, mode: int) -> float:
    m = sth_max
    for k in range(neg.size):
        if neg[k] > m:
            m = neg[k]
    thresholds = _thresholds(m, step, mode)
    n_t = thresholds.size
    fp = np.empty(n_t + 2, dtype=np.float64)
    tp = np.empty(n_t + 2, dtype=np.float64)
    fp[0] = 0.0
    tp[0] = 0.0
    for j in range(n_t):
        t = thresholds[n_t - 1 - j]  # descending
        n_tp = 0
        for k in range(sth.size):
            if sth[k] >= t:
                n_tp += 1
        n_fp = 0
        for k in range(neg.size):
            if neg[k] >= t:
                n_fp += 1
        tp[j + 1] = n_tp / sth.size
        fp[j + 1] = n_fp / neg.size
    fp[n_t + 1] = 1.0
    tp[n_t + 1] = 1.0
    return trapz_roc(fp, tp)


@numba.njit(**_JIT)
def auc_shuffled(x: np.ndarray, s_min: float, s_max: float, fix_idx: np.ndarray, other_idx: np.ndarray,
                 draws: np.ndarray, n_splits: int, step: float, mode: int) -> float:
    """AUC_shuffled.m for a non-constant map with ``0 < No = min(Nf, M)``.

    ``draws`` is the ``(n_splits, No)`` array ``R`` of the partial Fisher-Yates sampler (metrics.md 7);
    an empty array means ``M <= Nf``: every split uses all of ``other`` and one split is computed.
    Only the Nf fixated and M other values are normalised.
    """
    rng = s_max - s_min
    n_fix = fix_idx.size
    n_other = other_idx.size
    sth = np.empty(n_fix, dtype=np.float64)
    sth_max = -np.inf
    for i in range(n_fix):
        sth[i] = (x[fix_idx[i]] - s_min) / rng
        if sth[i] > sth_max:
            sth_max = sth[i]
    oth = np.empty(n_other, dtype=np.float64)
    for i in range(n_other):
        oth[i] = (x[other_idx[i]] - s_min) / rng

    if draws.shape[0] == 0:
        return _shuffled_split_auc(sth, oth, sth_max, step, mode)

    n_neg = draws.shape[1]
    perm = np.arange(n_other)
    neg = np.empty(n_neg, dtype=np.float64)
    total = 0.0
    for s in range(n_splits):
        for k in range(n_neg):
            j = k + draws[s, k]
            tmp = perm[k]
            perm[k] = perm[j]
            perm[j] = tmp
            neg[k] = oth[perm[k]]
        total += _shuffled_split_auc(sth, neg, sth_max, step, mode)
        for k in range(n_neg - 1, -1, -1):  # undo the swaps: perm is ascending again
            j = k + draws[s, k]
            tmp = perm[k]
            perm[k] = perm[j]
            perm[j] = tmp
    return total / n_splits
