"""Numba kernels behind :mod:`salbench.metrics`.

Every kernel works on flat (1-D, C-order) float64 arrays (``mean_z_at`` also on uint8 codes) and accumulates
in float64, with ``fastmath=False`` and ``error_model="numpy"`` so that x/0 gives inf/nan as in MATLAB
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
def min_max_sum(x: np.ndarray) -> tuple[float, float, float]:
    """One pass: minimum, maximum and sum (four interleaved accumulators each, a fixed order).

    A NaN or inf makes the sum non-finite, which the caller checks.
    """
    n4 = x.size - x.size % 4
    lo0 = lo1 = lo2 = lo3 = np.inf
    hi0 = hi1 = hi2 = hi3 = -np.inf
    s0 = s1 = s2 = s3 = 0.0
    for k in range(0, n4, 4):
        v0 = x[k]
        v1 = x[k + 1]
        v2 = x[k + 2]
        v3 = x[k + 3]
        lo0 = min(lo0, v0)
        lo1 = min(lo1, v1)
        lo2 = min(lo2, v2)
        lo3 = min(lo3, v3)
        hi0 = max(hi0, v0)
        hi1 = max(hi1, v1)
        hi2 = max(hi2, v2)
        hi3 = max(hi3, v3)
        s0 += v0
        s1 += v1
        s2 += v2
        s3 += v3
    for k in range(n4, x.size):
        lo0 = min(lo0, x[k])
        hi0 = max(hi0, x[k])
        s0 += x[k]
    return min(min(lo0, lo1), min(lo2, lo3)), max(max(hi0, hi1), max(hi2, hi3)), (s0 + s1) + (s2 + s3)


@numba.njit(**_JIT)
def sum_sq_dev(x: np.ndarray, mean: float) -> float:
    """Second pass of the two-pass variance: ``sum((x - mean)^2)``.

    Four interleaved float64 accumulators (a fixed order, so bit-reproducible) break the add latency chain.
    """
    n4 = x.size - x.size % 4
    a0 = a1 = a2 = a3 = 0.0
    for k in range(0, n4, 4):
        d0 = x[k] - mean
        d1 = x[k + 1] - mean
        d2 = x[k + 2] - mean
        d3 = x[k + 3] - mean
        a0 += d0 * d0
        a1 += d1 * d1
        a2 += d2 * d2
        a3 += d3 * d3
    for k in range(n4, x.size):
        d = x[k] - mean
        a0 += d * d
    return (a0 + a1) + (a2 + a3)


@numba.njit(**_JIT)
def sum_cross_dev(x: np.ndarray, mean_x: float, y: np.ndarray, mean_y: float) -> float:
    """``sum((x - mean_x)*(y - mean_y))``, the numerator of Pearson's r (four interleaved accumulators)."""
    n4 = x.size - x.size % 4
    a0 = a1 = a2 = a3 = 0.0
    for k in range(0, n4, 4):
        a0 += (x[k] - mean_x) * (y[k] - mean_y)
        a1 += (x[k + 1] - mean_x) * (y[k + 1] - mean_y)
        a2 += (x[k + 2] - mean_x) * (y[k + 2] - mean_y)
        a3 += (x[k + 3] - mean_x) * (y[k + 3] - mean_y)
    for k in range(n4, x.size):
        a0 += (x[k] - mean_x) * (y[k] - mean_y)
    return (a0 + a1) + (a2 + a3)


@numba.njit(**_JIT)
def mean_z_at(x: np.ndarray, idx: np.ndarray, mean: float, std: float) -> float:
    """NSS: the mean of ``(x - mean)/std`` over the pixels ``idx``."""
    total = 0.0
    for k in range(idx.size):
        total += (x[idx[k]] - mean) / std
    return total / idx.size


@numba.njit(**_JIT)
def _smaller_share(a: float, b: float, sum_a: float, sum_b: float) -> tuple[float, float]:
    """``(a, 0)`` if ``a/sum_a < b/sum_b`` else ``(0, b)``, compared without dividing; selects, not branches
    (the comparison is unpredictable)."""
    take_a = a * sum_b < b * sum_a
    return (a if take_a else 0.0), (0.0 if take_a else b)


@numba.njit(**_JIT)
def similarity(p: np.ndarray, p_min: float, g: np.ndarray, g_min: float) -> float:
    """similarity.m for two non-constant maps, without a division per pixel.

    With ``a = p - min p`` and ``b = g - min g``, the min-max step followed by the division by the sum gives
    ``p_hat = a/sum(a)`` (the range cancels), so ``sum(min(p_hat, g_hat)) = sum_A(a)/sum(a) + sum_B(b)/sum(b)``
    where A holds the pixels with ``a*sum(b) < b*sum(a)`` and B the rest. Algebraically identical to the
    reference; agrees with the literal per-pixel computation to a few ulps.
    """
    n2 = p.size - p.size % 2
    a0 = a1 = b0 = b1 = 0.0
    for k in range(0, n2, 2):  # two accumulators per sum, a fixed order (reproducible)
        a0 += p[k] - p_min
        a1 += p[k + 1] - p_min
        b0 += g[k] - g_min
        b1 += g[k + 1] - g_min
    for k in range(n2, p.size):
        a0 += p[k] - p_min
        b0 += g[k] - g_min
    sum_a = a0 + a1
    sum_b = b0 + b1
    a0 = a1 = b0 = b1 = 0.0
    for k in range(0, n2, 2):
        a, b = _smaller_share(p[k] - p_min, g[k] - g_min, sum_a, sum_b)
        a0 += a
        b0 += b
        a, b = _smaller_share(p[k + 1] - p_min, g[k + 1] - g_min, sum_a, sum_b)
        a1 += a
        b1 += b
    for k in range(n2, p.size):
        a, b = _smaller_share(p[k] - p_min, g[k] - g_min, sum_a, sum_b)
        a0 += a
        b0 += b
    return (a0 + a1) / sum_a + (b0 + b1) / sum_b


@numba.njit(**_JIT)
def clipped_sum(x: np.ndarray) -> float:
    """``sum(max(x, 0))``."""
    total = 0.0
    for k in range(x.size):
        if x[k] > 0.0:
            total += x[k]
    return total


@numba.njit(**_JIT)
def kld_term(pv: float, p_sum: float, p_divide: bool, gv: float, g_sum: float, g_divide: bool,
              clip_negative: bool) -> float:
    if clip_negative and pv < 0.0:
        pv = 0.0
    pp = pv / p_sum if p_divide else pv
    q = gv / g_sum if g_divide else gv
    if q == 0.0:
        return np.nan if pp + EPS == 0.0 else 0.0
    return q * math.log(EPS + q / (pp + EPS))


@numba.njit(**_JIT)
def kl_divergence(p: np.ndarray, p_sum: float, p_divide: bool, g: np.ndarray, g_sum: float, g_divide: bool,
                  clip_negative: bool) -> float:
    """KLdiv.m: ``sum(Q*ln(EPS + Q/(P + EPS)))`` with ``P = p/sum(p)``, ``Q = g/sum(g)``.

    ``*_divide`` is False for an all-zero map, which is used as it is. A term with ``Q == 0`` is exactly
    zero unless ``P + EPS`` is zero too (0/0, NaN as in MATLAB), so its log is skipped.
    """
    t0 = t1 = 0.0  # even and odd pixels: two independent addition chains
    for k in range(0, p.size - 1, 2):
        t0 += kld_term(p[k], p_sum, p_divide, g[k], g_sum, g_divide, clip_negative)
        t1 += kld_term(p[k + 1], p_sum, p_divide, g[k + 1], g_sum, g_divide, clip_negative)
    if p.size % 2:
        t0 += kld_term(p[p.size - 1], p_sum, p_divide, g[p.size - 1], g_sum, g_divide, clip_negative)
    return t0 + t1


@numba.njit(**_JIT)
def trapz_roc(fp: np.ndarray, tp: np.ndarray) -> float:
    """MATLAB ``trapz(fp, tp)``: points taken in the given order, summed sequentially, halved at the end."""
    total = 0.0
    for k in range(fp.size - 1):
        total += (fp[k + 1] - fp[k]) * (tp[k] + tp[k + 1])
    return total / 2.0


@numba.njit(**_JIT)
def add_jitter(x: np.ndarray, u: np.ndarray) -> None:
    """``u <- x + u/1e7`` in place (the jittered map S of AUC_Judd.m; a division, as the reference writes it)."""
    for k in range(x.size):
        u[k] = x[k] + u[k] / 1e7


@numba.njit(**_JIT)
def _threshold_histogram(s: np.ndarray, s_min: float, s_max: float, asc: np.ndarray,
                         asc_raw: np.ndarray) -> np.ndarray:
    """``hist[j]`` = number of pixels whose normalised value ``(s - s_min)/(s_max - s_min)`` is ``>=`` exactly
    j of the ascending thresholds ``asc`` (ties allowed), whose raw values are ``asc_raw``.

    Pixels are sorted into B uniform buckets of the raw value, ``b(s) = int((s - s_min)*B/(s_max - s_min))``,
    a monotone function, and thresholds into the same buckets by their raw values. A pixel in bucket b is
    then above every threshold of buckets < b, and below every threshold of buckets > b + 1 (more than a
    bucket away, far beyond rounding), so only pixels in a bucket b whose bucket b or b + 1 holds a threshold
    need their normalised value compared: they are gathered in a branch-free pass (a few percent of the
    pixels, since B is large) and compared branch-free. The rest are counted per bucket. Exact, O(N + B).
    """
    n_t = asc.size
    rng = s_max - s_min
    n_buckets = 4096
    while n_buckets < 64 * n_t:
        n_buckets *= 2
    scale = n_buckets / rng
    per_bucket = np.zeros(n_buckets + 1, dtype=np.int64)
    for i in range(n_t):
        per_bucket[min(int((asc_raw[i] - s_min) * scale), n_buckets - 1)] += 1
    first = np.zeros(n_buckets + 2, dtype=np.int64)  # first[b] = #thresholds in buckets < b
    for b in range(n_buckets + 1):
        first[b + 1] = first[b] + per_bucket[b]
    needs_compare = np.zeros(n_buckets, dtype=np.int64)
    window = 0  # thresholds in buckets b and b + 1, at most
    for b in range(n_buckets):
        in_window = first[b + 2] - first[b]
        needs_compare[b] = in_window > 0
        window = max(window, in_window)

    by_bucket0 = np.zeros(n_buckets, dtype=np.int64)  # two interleaved tables: no store-to-load chain
    by_bucket1 = np.zeros(n_buckets, dtype=np.int64)
    gathered = np.empty(s.size, dtype=np.int64)
    n_gathered = 0
    n2 = s.size - s.size % 2
    for k in range(0, n2, 2):
        b0 = min(int((s[k] - s_min) * scale), n_buckets - 1)
        b1 = min(int((s[k + 1] - s_min) * scale), n_buckets - 1)
        by_bucket0[b0] += 1
        by_bucket1[b1] += 1
        gathered[n_gathered] = k
        n_gathered += needs_compare[b0]
        gathered[n_gathered] = k + 1
        n_gathered += needs_compare[b1]
    for k in range(n2, s.size):
        b0 = min(int((s[k] - s_min) * scale), n_buckets - 1)
        by_bucket0[b0] += 1
        gathered[n_gathered] = k
        n_gathered += needs_compare[b0]

    hist = np.zeros(n_t + 1, dtype=np.int64)  # hist[j] = #pixels with exactly j thresholds <= value
    for b in range(n_buckets):
        if not needs_compare[b]:
            hist[first[b]] += by_bucket0[b] + by_bucket1[b]
    padded = np.full(n_t + window, np.inf)  # thresholds past the window are greater than the value
    padded[:n_t] = asc
    for j in range(n_gathered):
        k = gathered[j]
        v = (s[k] - s_min) / rng
        start = first[min(int((s[k] - s_min) * scale), n_buckets - 1)]
        pos = start
        for i in range(window):
            pos += padded[start + i] <= v
        hist[pos] += 1
    return hist


@numba.njit(**_JIT)
def judd_auc_from_histogram(hist: np.ndarray, n_pix: int, fp_offset: int) -> float:
    """The AUC_Judd.m curve from ``hist`` (see :func:`_threshold_histogram`) over Nf = ``hist.size - 1``
    thresholds: for t_i, the i-th largest, ``A_i`` = pixels with at least Nf - i + 1 thresholds ``<=`` their
    value, ``tp_i = i/Nf``, ``fp_i = (A_i - i)/(Np - Nf)`` (``fp_offset`` 1: the TMFI/ViNet ``A_i - (i - 1)``);
    the curve (0,0), points, (1,1) integrated with :func:`trapz_roc`."""
    n_fix = hist.size - 1
    fp = np.empty(n_fix + 2, dtype=np.float64)
    tp = np.empty(n_fix + 2, dtype=np.float64)
    fp[0] = 0.0
    tp[0] = 0.0
    n_neg = n_pix - n_fix
    a_i = 0
    for i in range(1, n_fix + 1):
        a_i += hist[n_fix - i + 1]
        tp[i] = i / n_fix
        fp[i] = (a_i - (i - fp_offset)) / n_neg
    fp[n_fix + 1] = 1.0
    tp[n_fix + 1] = 1.0
    return trapz_roc(fp, tp)


@numba.njit(**_JIT)
def auc_judd(s: np.ndarray, s_min: float, s_max: float, fix_idx: np.ndarray, fp_offset: int) -> float:
    """AUC_Judd.m on the (jittered) map ``s`` with ``s_min < s_max`` known and ``0 < Nf < Np``.

    Thresholds are the normalised fixated values ``t_i`` in descending order; ``A_i`` counts all pixels
    with ``S >= t_i``, ``tp_i = i/Nf``, ``fp_i = (A_i - i)/(Np - Nf)``. O(N + Nf log Nf).
    ``fp_offset`` is 0 for the reference, 1 for the TMFI/ViNet off-by-one ``(A_i - (i - 1))``.
    """
    n_pix = s.size
    n_fix = fix_idx.size
    rng = s_max - s_min
    raw = np.empty(n_fix, dtype=np.float64)
    for i in range(n_fix):
        raw[i] = s[fix_idx[i]]
    raw.sort()  # normalisation is monotone: the normalised thresholds come out sorted too
    asc = np.empty(n_fix, dtype=np.float64)
    for i in range(n_fix):
        asc[i] = (raw[i] - s_min) / rng
    return judd_auc_from_histogram(_threshold_histogram(s, s_min, s_max, asc, raw), n_pix, fp_offset)


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
