"""All six metrics for one frame (sharing the statistics of each map), and a multi-threaded batch version.

``evaluate_frame`` validates every input once, takes one fused min/max/sum pass over ``pred`` and one over
``gt_map`` (plus the squared deviations when cc or nss need them), and splits its random source into the
fixed child streams ``[auc_j, s_auc]`` (``../shared/specs/metrics.md`` section 11), so that a metric's value
never depends on which other metrics were requested and equals the standalone function given that child.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import functions as F
from ._inputs import RngLike, fixation_indices, map_stats, spawn_generators

ALL: tuple[str, ...] = ("cc", "nss", "sim", "kld", "auc_j", "s_auc")
"""Metric names in their canonical order."""

HIGHER_IS_BETTER: dict[str, bool] = {"cc": True, "nss": True, "sim": True, "kld": False, "auc_j": True, "s_auc": True}

_NEEDS_GT = {"cc", "sim", "kld"}
_NEEDS_FIXATIONS = {"nss", "auc_j", "s_auc"}


def _check_names(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    unknown = [n for n in names if n not in ALL]
    if unknown:
        raise ValueError(f"unknown metric name(s) {unknown}; valid names are {list(ALL)}")
    return names


def evaluate_frame(pred: np.ndarray, gt_map: np.ndarray | None, fixations: np.ndarray | None,
                   other: np.ndarray | None = None, *, names: Sequence[str] = ALL, rng: RngLike = None,
                   jitter: object = True, n_splits: int = 100, step: float = 0.1, kld_clip_negative: bool = False,
                   auc_j_variant: str = "matlab", s_auc_variant: str = "matlab") -> dict[str, float]:
    """Compute the requested metrics for one frame and return ``{name: value}`` in the order of ``names``.

    Parameters
    ----------
    pred : array_like, 2-D
        Predicted saliency map (any real dtype, used by value).
    gt_map : array_like, 2-D, or None
        Continuous ground-truth map, for cc, sim and kld (may be None when none of them is requested).
    fixations : array_like, 2-D, or None
        Binary or count fixation map, for nss, auc_j and s_auc (may be None when none is requested).
    other : array_like, 2-D, or None
        The s-AUC "other" map (fixations of other frames). None makes ``s_auc`` NaN, as the reference
        does for an empty other map.
    names : sequence of str
        Subset of :data:`ALL`; an unknown name raises ``ValueError``.
    rng : None, int or numpy.random.Generator
        Split into the child streams ``[auc_j, s_auc]``: ``SeedSequence(rng).spawn(2)`` for None or an int,
        ``rng.spawn(2)`` for a Generator.
    jitter, n_splits, step, kld_clip_negative, auc_j_variant, s_auc_variant
        Passed to :func:`auc_judd`, :func:`auc_shuffled` and :func:`kld` (``clip_negative``).

    Returns
    -------
    dict of str to float
    """
    names = _check_names(names)
    rng_auc_j, rng_s_auc = spawn_generators(rng, 2)
    p = map_stats(pred, "pred")
    pair = fix_idx = other_idx = None
    if _NEEDS_GT.intersection(names):
        if gt_map is None:
            raise ValueError(f"gt_map is required for {sorted(_NEEDS_GT.intersection(names))}")
        pair = F.MapPair(p, map_stats(gt_map, "gt_map"))
    if _NEEDS_FIXATIONS.intersection(names):
        if fixations is None:
            raise ValueError(f"fixations are required for {sorted(_NEEDS_FIXATIONS.intersection(names))}")
        fix_idx = fixation_indices(fixations, "fixations", p.shape)
    if "s_auc" in names and other is not None:
        other_idx = fixation_indices(other, "other", p.shape)

    out: dict[str, float] = {}
    for name in names:
        if name == "cc":
            out[name] = F.cc_from_stats(pair)
        elif name == "nss":
            out[name] = F.nss_from_stats(p, fix_idx)
        elif name == "sim":
            out[name] = F.sim_from_stats(pair)
        elif name == "kld":
            out[name] = F.kld_from_stats(pair, kld_clip_negative)
        elif name == "auc_j":
            out[name] = F.auc_judd_from_stats(p, fix_idx, jitter, rng_auc_j, auc_j_variant)
        else:
            out[name] = F.auc_shuffled_from_stats(p, fix_idx, other_idx, n_splits, step, rng_s_auc, s_auc_variant)
    return out


def evaluate_frames(preds: Sequence[np.ndarray], gt_maps: Sequence[np.ndarray] | None,
                    fixations: Sequence[np.ndarray] | None, others: Sequence[np.ndarray | None] | None = None, *,
                    names: Sequence[str] = ALL, rng: RngLike | Sequence[RngLike] = None, n_jobs: int | None = None,
                    **options: object) -> dict[str, np.ndarray]:
    """:func:`evaluate_frame` over a stack of frames on several threads (the numba kernels release the GIL).

    Parameters
    ----------
    preds, gt_maps, fixations, others : sequences (or 3-D arrays) of 2-D frames
        Frame ``f`` is scored as ``evaluate_frame(preds[f], gt_maps[f], fixations[f], others[f], ...)``.
        ``others`` may be None (s-AUC NaN everywhere) or hold None entries.
    rng : None, int, Generator, or a sequence of them (one per frame)
        A single value is split into one child stream per frame (``SeedSequence(rng).spawn(F)``, or
        ``rng.spawn(F)``); every random number of a frame comes from its own stream, so the values do not
        depend on ``n_jobs`` and frame ``f`` equals ``evaluate_frame(..., rng=child_f)`` bit for bit.
    n_jobs : int or None
        Worker threads; None uses every available core.
    **options
        Keywords of :func:`evaluate_frame` (``jitter``, ``n_splits``, ``step``, ``kld_clip_negative``, ...).

    Returns
    -------
    dict of str to numpy.ndarray
        One float64 array of length F per metric name.
    """
    names = _check_names(names)
    n_frames = len(preds)
    for label, seq in (("gt_maps", gt_maps), ("fixations", fixations), ("others", others)):
        if seq is not None and len(seq) != n_frames:
            raise ValueError(f"{label} has {len(seq)} frames but preds has {n_frames}")
    if isinstance(rng, (list, tuple)):
        if len(rng) != n_frames:
            raise ValueError(f"rng holds {len(rng)} streams but there are {n_frames} frames")
        frame_rngs = list(rng)
    else:
        frame_rngs = spawn_generators(rng, n_frames)

    def one(f: int) -> dict[str, float]:
        try:
            return evaluate_frame(
                preds[f],
                None if gt_maps is None else gt_maps[f],
                None if fixations is None else fixations[f],
                None if others is None else others[f],
                names=names, rng=frame_rngs[f], **options,
            )
        except ValueError as err:
            raise ValueError(f"frame {f}: {err}") from err

    workers = n_jobs if n_jobs is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise ValueError(f"n_jobs must be >= 1, got {n_jobs}")
    if workers == 1 or n_frames < 2:
        rows = [one(f) for f in range(n_frames)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(one, range(n_frames)))
    return {name: np.array([row[name] for row in rows], dtype=np.float64) for name in names}
