"""Aggregation, clustered bootstrap intervals and paired tests (``../shared/specs/protocol.md`` sections 6, 10).

- Frame-pooled mean (the official statistic) and per-video (macro) mean, NaN frames dropped and counted.
- Percentile bootstrap clustered on the dataset's cluster unit (a video, or for Hollywood-2 the original clip):
  ``idx = default_rng(bootstrap_seed).integers(0, C, size=(B, C))`` drawn once; the same resamples serve every
  metric and both statistics; each replicate is a ratio of weighted cluster sums.
- Paired comparison: deltas on the frames where both predictors are valid, the same bootstrap for their CI, a
  two-sided cluster sign-flip randomisation test, Holm's step-down correction across metrics.

The sign flips come from ``default_rng(SeedSequence(bootstrap_seed, spawn_key=(4,)))``, a stream separate from
the bootstrap's, so neither depends on the other's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SIGN_FLIP_STREAM_ROOT = 4


@dataclass(frozen=True)
class Interval:
    """A statistic with its percentile-bootstrap interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class MetricSummary:
    """One metric of one run: pooled and macro means with CIs, and the counts behind them."""

    pooled: Interval
    macro: Interval
    n_valid: int
    n_nan: int
    n_videos: int
    n_videos_without_valid: int


@dataclass(frozen=True)
class Comparison:
    """One metric of a paired comparison A - B, for one statistic."""

    metric: str
    statistic: str
    a: float
    b: float
    delta: Interval
    p_value: float
    p_holm: float
    n_common: int
    n_dropped: int


def cluster_index(groups: Sequence[str]) -> tuple[np.ndarray, int]:
    """Cluster number of each video (clusters in order of first appearance) and the number of clusters."""
    order: dict[str, int] = {}
    index = np.array([order.setdefault(g, len(order)) for g in groups], dtype=np.int64)
    return index, len(order)


def bootstrap_weights(n_clusters: int, n_resamples: int, seed: int) -> np.ndarray:
    """Multiplicity of every cluster in every resample, (B, C) float64, from ``integers(0, C, size=(B, C))``."""
    if n_resamples < 1:
        raise ValueError(f"bootstrap resamples must be >= 1, got {n_resamples}")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_clusters, size=(n_resamples, n_clusters))
    flat = (np.arange(n_resamples)[:, None] * n_clusters + idx).ravel()
    return np.bincount(flat, minlength=n_resamples * n_clusters).reshape(n_resamples, n_clusters).astype(np.float64)


def ratio_interval(weights: np.ndarray, numerator: np.ndarray, denominator: np.ndarray,
                   ci_level: float) -> Interval:
    """``sum(num)/sum(den)`` and the percentiles of ``(w @ num)/(w @ den)`` over the resamples."""
    total = float(denominator.sum())
    value = float(numerator.sum()) / total if total > 0 else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        replicates = (weights @ numerator) / (weights @ denominator)
    replicates = replicates[np.isfinite(replicates)]
    if not np.isfinite(value) or not len(replicates):
        return Interval(value, float("nan"), float("nan"))
    alpha = 1.0 - ci_level
    low, high = np.percentile(replicates, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return Interval(value, float(low), float(high))


def _check_level(ci_level: float) -> None:
    if not 0 < ci_level < 1:
        raise ValueError(f"ci_level must be in (0, 1), got {ci_level}")


def _per_cluster(per_video: list[np.ndarray], cluster: np.ndarray, n_clusters: int):
    """Cluster sums of valid values and counts (pooled), and of per-video means and video counts (macro)."""
    s = np.zeros(n_clusters)
    n = np.zeros(n_clusters)
    m = np.zeros(n_clusters)
    k = np.zeros(n_clusters)
    for c, values in zip(cluster, per_video):
        valid = values[np.isfinite(values)]
        s[c] += valid.sum()
        n[c] += len(valid)
        if len(valid):
            m[c] += valid.mean()
            k[c] += 1
    return s, n, m, k


def summarize(scores: Sequence[dict[str, np.ndarray]], groups: Sequence[str], metrics: Sequence[str], *,
              bootstrap: int = 10_000, ci_level: float = 0.95, bootstrap_seed: int = 0) -> dict[str, MetricSummary]:
    """Pooled and macro means with clustered bootstrap CIs for every metric of a run.

    Parameters
    ----------
    scores : per video, ``{metric: per-frame values}`` (NaN = undefined, dropped and counted)
    groups : per video, its cluster (the video name, or e.g. the Hollywood-2 clip)
    """
    _check_level(ci_level)
    cluster, n_clusters = cluster_index(groups)
    weights = bootstrap_weights(n_clusters, bootstrap, bootstrap_seed)
    out = {}
    for metric in metrics:
        per_video = [np.asarray(v[metric], dtype=np.float64) for v in scores]
        s, n, m, k = _per_cluster(per_video, cluster, n_clusters)
        n_total = sum(len(v) for v in per_video)
        out[metric] = MetricSummary(ratio_interval(weights, s, n, ci_level), ratio_interval(weights, m, k, ci_level),
                                    int(n.sum()), int(n_total - n.sum()), len(per_video),
                                    int(len(per_video) - k.sum()))
    return out


def sign_flip_p_value(numerator: np.ndarray, denominator_total: float, n_permutations: int, seed: int) -> float:
    """Two-sided cluster sign-flip p-value of ``T = sum(D_c)/N``: ``(1 + #(|T_r| >= |T|))/(R + 1)``."""
    if n_permutations < 1:
        raise ValueError(f"permutations must be >= 1, got {n_permutations}")
    if denominator_total <= 0:
        return float("nan")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SIGN_FLIP_STREAM_ROOT,)))
    signs = rng.integers(0, 2, size=(n_permutations, len(numerator))) * 2.0 - 1.0
    t_obs = abs(float(numerator.sum()) / denominator_total)
    t_rep = np.abs(signs @ numerator) / denominator_total
    tolerance = 1e-12 * max(1.0, t_obs)  # the all-plus flip must count despite summation order
    return float((1 + np.count_nonzero(t_rep >= t_obs - tolerance)) / (n_permutations + 1))


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values: ``max_{j<=i} min(1, (m - j + 1) p_(j))`` in sorted order.

    NaN p-values are left out of the family and stay NaN.
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def compare(scores_a: Sequence[dict[str, np.ndarray]], scores_b: Sequence[dict[str, np.ndarray]],
            groups: Sequence[str], metrics: Sequence[str], *, bootstrap: int = 10_000, ci_level: float = 0.95,
            bootstrap_seed: int = 0, permutations: int = 10_000) -> list[Comparison]:
    """Paired comparison A - B on the same frames (section 10), for the pooled and the macro statistic.

    ``scores_a[v][metric]`` and ``scores_b[v][metric]`` hold the same frames of video v. Returns one
    :class:`Comparison` per (statistic, metric), pooled first, with Holm-adjusted p-values per statistic.
    """
    _check_level(ci_level)
    if len(scores_a) != len(scores_b) or len(scores_a) != len(groups):
        raise ValueError("A and B must hold the same videos")
    cluster, n_clusters = cluster_index(groups)
    weights = bootstrap_weights(n_clusters, bootstrap, bootstrap_seed)
    rows: dict[str, list[Comparison]] = {"pooled": [], "macro": []}
    for metric in metrics:
        d_pooled, n_pooled = np.zeros(n_clusters), np.zeros(n_clusters)
        d_macro, n_macro = np.zeros(n_clusters), np.zeros(n_clusters)
        sums = {"pooled": [0.0, 0.0], "macro": [0.0, 0.0]}
        n_total = 0
        for c, va, vb in zip(cluster, scores_a, scores_b):
            a = np.asarray(va[metric], dtype=np.float64)
            b = np.asarray(vb[metric], dtype=np.float64)
            if a.shape != b.shape:
                raise ValueError(f"{metric}: A and B scored different frames of a video")
            n_total += len(a)
            both = np.isfinite(a) & np.isfinite(b)
            if not both.any():
                continue
            d_pooled[c] += float((a[both] - b[both]).sum())
            n_pooled[c] += int(both.sum())
            d_macro[c] += float((a[both] - b[both]).mean())
            n_macro[c] += 1
            sums["pooled"][0] += float(a[both].sum())
            sums["pooled"][1] += float(b[both].sum())
            sums["macro"][0] += float(a[both].mean())
            sums["macro"][1] += float(b[both].mean())
        for statistic, d, n in (("pooled", d_pooled, n_pooled), ("macro", d_macro, n_macro)):
            total = float(n.sum())
            a_mean, b_mean = (s / total if total else float("nan") for s in sums[statistic])
            p = sign_flip_p_value(d, total, permutations, bootstrap_seed)
            rows[statistic].append(Comparison(metric, statistic, a_mean, b_mean,
                                              ratio_interval(weights, d, n, ci_level), p, float("nan"),
                                              int(n_pooled.sum()), int(n_total - n_pooled.sum())))
    out = []
    for statistic in ("pooled", "macro"):
        adjusted = holm([r.p_value for r in rows[statistic]])
        out += [Comparison(**{**r.__dict__, "p_holm": float(q)}) for r, q in zip(rows[statistic], adjusted)]
    return out
