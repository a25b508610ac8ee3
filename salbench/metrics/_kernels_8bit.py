"""Kernels for 8-bit maps (uint8), the common case: DHF1K's GT maps and most stored predictions are PNGs.

An 8-bit map takes at most 256 values, so per-pixel work can be replaced by work per value or per
(prediction, ground truth) value pair: a 256-bin histogram per map, a 256x256 joint histogram per pair.
The formulas are the same as in :mod:`._kernels`; only the order of the float64 additions differs (terms
are grouped by value), so results agree with the float64 path to a few ulps. Every metric value is still
computed by one fixed path for a given input dtype, so it never depends on which other metrics were requested.
"""

from __future__ import annotations

import numba
import numpy as np

from ._kernels import _JIT, _smaller_share, judd_auc_from_histogram, kld_term


@numba.njit(**_JIT)
def level_histogram(codes: np.ndarray) -> np.ndarray:
    """Counts of each of the 256 levels (two interleaved tables: no store-to-load chain on flat regions)."""
    h0 = np.zeros(256, dtype=np.int64)
    h1 = np.zeros(256, dtype=np.int64)
    n2 = codes.size - codes.size % 2
    for k in range(0, n2, 2):
        h0[codes[k]] += 1
        h1[codes[k + 1]] += 1
    if n2 < codes.size:
        h0[codes[n2]] += 1
    return h0 + h1


@numba.njit(**_JIT)
def histogram_stats(hist: np.ndarray) -> tuple[float, float, float]:
    """Minimum, maximum and (exact) sum of a map from its level histogram."""
    lo = 0
    while hist[lo] == 0:
        lo += 1
    hi = 255
    while hist[hi] == 0:
        hi -= 1
    total = 0
    for v in range(256):
        total += v * hist[v]
    return float(lo), float(hi), float(total)


@numba.njit(**_JIT)
def histogram_sum_sq_dev(hist: np.ndarray, mean: float) -> float:
    """``sum((x - mean)^2)`` over the pixels, grouped by level."""
    total = 0.0
    for v in range(256):
        if hist[v]:
            d = v - mean
            total += hist[v] * (d * d)
    return total


@numba.njit(**_JIT)
def joint_histogram(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Counts of each (p, g) level pair, flat as ``p*256 + g``; int32 (frames below 2**31 pixels).

    Two interleaved tables avoid a store-to-load chain on flat regions, where pairs repeat.
    """
    h0 = np.zeros(65536, dtype=np.int32)
    h1 = np.zeros(65536, dtype=np.int32)
    n2 = p.size - p.size % 2
    for k in range(0, n2, 2):
        h0[np.int64(p[k]) * 256 + g[k]] += 1
        h1[np.int64(p[k + 1]) * 256 + g[k + 1]] += 1
    if n2 < p.size:
        h0[np.int64(p[n2]) * 256 + g[n2]] += 1
    for i in range(65536):
        h0[i] += h1[i]
    return h0


@numba.njit(**_JIT)
def joint_cross_dev(joint: np.ndarray, mean_p: float, mean_g: float) -> float:
    """``sum((p - mean_p)*(g - mean_g))`` over the pixels, from the joint histogram."""
    total = 0.0
    for v in range(256):
        row = 0.0
        for w in range(256):
            c = joint[v * 256 + w]
            if c:
                row += c * (w - mean_g)
        total += (v - mean_p) * row
    return total


@numba.njit(**_JIT)
def joint_similarity(joint: np.ndarray, p_min: float, g_min: float) -> float:
    """similarity.m for two non-constant 8-bit maps (see :func:`._kernels.similarity` for the algebra)."""
    sum_a = 0.0
    sum_b = 0.0
    for v in range(256):
        for w in range(256):
            c = joint[v * 256 + w]
            if c:
                sum_a += c * (v - p_min)
                sum_b += c * (w - g_min)
    picked_a = 0.0
    picked_b = 0.0
    for v in range(256):
        a = v - p_min
        for w in range(256):
            c = joint[v * 256 + w]
            if c:
                share_a, share_b = _smaller_share(a, w - g_min, sum_a, sum_b)
                picked_a += c * share_a
                picked_b += c * share_b
    return picked_a / sum_a + picked_b / sum_b


@numba.njit(**_JIT)
def joint_kl_divergence(joint: np.ndarray, p_sum: float, p_divide: bool, g_sum: float, g_divide: bool) -> float:
    """KLdiv.m for two 8-bit maps: each (p, g) pair's term once, weighted by its pixel count."""
    total = 0.0
    for v in range(256):
        for w in range(256):
            c = joint[v * 256 + w]
            if c:
                total += c * kld_term(float(v), p_sum, p_divide, float(w), g_sum, g_divide, False)
    return total


@numba.njit(**_JIT)
def auc_judd(codes: np.ndarray, s: np.ndarray, s_min: float, s_max: float, fix_idx: np.ndarray,
             fp_offset: int) -> float:
    """AUC_Judd.m for an 8-bit map whose (jittered) values ``s`` stay within a quarter level of ``codes``.

    Levels then never interleave: a pixel at a level below (above) a threshold's level is below (above) the
    threshold, also after normalisation (the gap is far above rounding). So pixels at levels that hold no
    threshold are only counted per level, and the normalised value is computed and compared, with the same
    expressions as :func:`._kernels.auc_judd`, only for the pixels at the few levels that hold thresholds,
    gathered in a branch-free first pass. Requires ``s_min < s_max`` and ``0 < Nf < Np``.
    """
    n_pix = codes.size
    n_fix = fix_idx.size
    rng = s_max - s_min
    asc = np.empty(n_fix, dtype=np.float64)
    for i in range(n_fix):
        asc[i] = (s[fix_idx[i]] - s_min) / rng
    asc.sort()
    first = np.zeros(257, dtype=np.int64)  # first[L] = #thresholds at levels < L
    for i in range(n_fix):
        first[np.int64(codes[fix_idx[i]]) + 1] += 1
    occupied = np.zeros(256, dtype=np.int64)
    c_max = 0
    for level in range(256):
        occupied[level] = first[level + 1] > 0
        c_max = max(c_max, first[level + 1])
        first[level + 1] += first[level]

    by_level = np.zeros(256, dtype=np.int64)
    selected = np.empty(n_pix, dtype=np.int64)
    n_sel = 0
    for k in range(n_pix):  # branch-free: count every level, gather the pixels at threshold levels
        c = np.int64(codes[k])
        by_level[c] += 1
        selected[n_sel] = k
        n_sel += occupied[c]
    hist = np.zeros(n_fix + 1, dtype=np.int64)  # hist[j] = #pixels with exactly j thresholds <= value
    for level in range(256):
        if not occupied[level]:
            hist[first[level]] += by_level[level]
    padded = np.full(n_fix + c_max, np.inf)  # a threshold past a pixel's level is greater
    padded[:n_fix] = asc
    for j in range(n_sel):  # the jitter makes these comparisons unpredictable: keep them branch-free
        k = selected[j]
        v = (s[k] - s_min) / rng
        start = first[np.int64(codes[k])]
        pos = start
        for i in range(c_max):
            pos += padded[start + i] <= v
        hist[pos] += 1
    return judd_auc_from_histogram(hist, n_pix, fp_offset)
