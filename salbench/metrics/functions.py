"""The six saliency metrics with the exact semantics of the MIT saliency benchmark MATLAB code.

Reference: Bylinskii, Judd, Oliva, Torralba, Durand, "What do different evaluation metrics tell us about
saliency models?", IEEE TPAMI 41(3), 2019, and its code (cvzoya/saliency, ``code_forMetrics``: CC.m, NSS.m,
similarity.m, KLdiv.m, AUC_Judd.m, AUC_shuffled.m), reused unchanged by the DHF1K evaluation (Wang et al.,
"Revisiting Video Saliency Prediction in the Deep Learning Era", TPAMI 2021). The normative description,
including every NaN case, is ``../shared/specs/metrics.md``; this module implements it from that text.

Conventions: prediction first, ground truth second; maps are converted to float64 **by value** (uint8 stays
0..255); fixation maps count every non-zero pixel once; undefined cases return ``nan``.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from . import _kernels as K
from . import _kernels_8bit as K8
from ._inputs import MapStats, RngLike, as_generator, check_same_shape, fixation_indices, map_stats, scratch

NAN = float("nan")

AUC_J_VARIANTS = {"matlab": 0, "tmfi": 1}
S_AUC_VARIANTS = {"matlab": K.THRESHOLDS_MATLAB, "octave": K.THRESHOLDS_OCTAVE, "unisal": K.THRESHOLDS_ARANGE}


def _variant(value: str, table: dict[str, int], keyword: str) -> int:
    if value not in table:
        raise ValueError(f"unknown {keyword} {value!r}; choose one of {sorted(table)}")
    return table[value]


class MapPair:
    """A prediction and a continuous GT map of one shape; for two 8-bit maps, also their joint histogram."""

    def __init__(self, p: MapStats, g: MapStats) -> None:
        check_same_shape("pred", p.shape, "gt_map", g.shape)
        self.p, self.g = p, g

    @classmethod
    def from_arrays(cls, pred: object, gt_map: object) -> MapPair:
        return cls(map_stats(pred, "pred"), map_stats(gt_map, "gt_map"))

    @cached_property
    def joint(self) -> np.ndarray | None:
        """Counts of each (pred, gt) level pair when both maps are uint8, else None."""
        if self.p.codes is None or self.g.codes is None or self.p.size >= 2**31:
            return None
        return K8.joint_histogram(self.p.codes, self.g.codes)


# --- metrics on validated inputs (shared with evaluate_frame) -------------------------------------------


def cc_from_stats(pair: MapPair) -> float:
    p, g = pair.p, pair.g
    if p.constant or g.constant:
        return NAN
    if pair.joint is not None:
        cross = K8.joint_cross_dev(pair.joint, p.mean, g.mean)
    else:
        cross = K.sum_cross_dev(p.flat, p.mean, g.flat, g.mean)
    return float(cross / (math.sqrt(p.sum_sq_dev) * math.sqrt(g.sum_sq_dev)))


def nss_from_stats(p: MapStats, fix_idx: np.ndarray) -> float:
    if fix_idx.size == 0 or p.constant:
        return NAN
    values = p.codes if p.codes is not None else p.flat
    return float(K.mean_z_at(values, fix_idx, p.mean, p.std()))


def sim_from_stats(pair: MapPair) -> float:
    p, g = pair.p, pair.g
    if (p.constant and not p.all_zero) or (g.constant and not g.all_zero):
        return NAN
    if p.all_zero or g.all_zero:
        return 0.0
    if pair.joint is not None:
        return float(K8.joint_similarity(pair.joint, p.min, g.min))
    return float(K.similarity(p.flat, p.min, g.flat, g.min))


def kld_from_stats(pair: MapPair, clip_negative: bool = False) -> float:
    p, g = pair.p, pair.g
    if clip_negative and p.min < 0.0:
        p_sum, p_divide = K.clipped_sum(p.flat), p.max > 0.0
    else:
        p_sum, p_divide = p.sum, not p.all_zero
    if pair.joint is not None:  # 8-bit maps are never negative: clipping is a no-op
        value = K8.joint_kl_divergence(pair.joint, p_sum, p_divide, g.sum, not g.all_zero)
    else:
        value = K.kl_divergence(p.flat, p_sum, p_divide, g.flat, g.sum, not g.all_zero, clip_negative)
    return float(value) if math.isfinite(value) else NAN


def _jitter_noise(jitter: object, p: MapStats, rng: RngLike) -> np.ndarray | None:
    """``U`` of AUC-J's jitter, flat in a scratch buffer (``rng.random(shape)`` or a replayed array), or None."""
    if isinstance(jitter, (bool, np.bool_)):
        if not jitter:
            return None
        return as_generator(rng).random(out=scratch(p.size, "jitter"))  # the same stream as rng.random(shape)
    noise = np.asarray(jitter)
    if noise.shape != p.shape:
        raise ValueError(f"jitter array has shape {noise.shape}, expected the map's shape {p.shape}")
    if not np.isfinite(noise).all():
        raise ValueError("jitter array contains non-finite values")
    out = scratch(p.size, "jitter")
    out[:] = noise.reshape(-1)  # a copy: the general path turns it into S in place
    return out


def auc_judd_from_stats(p: MapStats, fix_idx: np.ndarray, jitter: object = True, rng: RngLike = None,
                        variant: str = "matlab") -> float:
    fp_offset = _variant(variant, AUC_J_VARIANTS, "auc_j_variant")
    if fix_idx.size == 0:
        return NAN
    noise = _jitter_noise(jitter, p, rng)
    if noise is None:
        s, s_min, s_max = p.flat, p.min, p.max
    else:
        K.add_jitter(p.flat, noise)
        s, s_min, s_max = noise, float(noise.min()), float(noise.max())
    if s_max == s_min or fix_idx.size == p.size:
        return NAN
    # 8-bit map: levels never interleave while the jitter stays below a quarter level (always for U in [0, 1))
    if p.codes is not None and (noise is None or isinstance(jitter, (bool, np.bool_)) or np.abs(
            s - p.flat).max() < 0.25):
        return float(K8.auc_judd(p.codes, s, s_min, s_max, fix_idx, fp_offset))
    return float(K.auc_judd(s, s_min, s_max, fix_idx, fp_offset))


def _check_splits(n_splits: int, step: float) -> None:
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 1:
        raise ValueError(f"n_splits must be a positive int, got {n_splits!r}")
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"step must be a positive finite number, got {step!r}")


def auc_shuffled_from_stats(p: MapStats, fix_idx: np.ndarray, other_idx: np.ndarray | None, n_splits: int = 100,
                            step: float = 0.1, rng: RngLike = None, variant: str = "matlab") -> float:
    mode = _variant(variant, S_AUC_VARIANTS, "s_auc_variant")
    _check_splits(n_splits, step)
    if fix_idx.size == 0 or p.constant or other_idx is None:
        return NAN
    n_other = other_idx.size
    n_neg = min(fix_idx.size, n_other)
    if n_neg == 0:
        return NAN
    if n_other <= fix_idx.size:  # every split uses all of `other`: deterministic, no draws
        draws = np.empty((0, 0), dtype=np.int64)
    else:
        draws = as_generator(rng).integers(0, n_other - np.arange(n_neg), size=(int(n_splits), n_neg))
    return float(K.auc_shuffled(p.flat, p.min, p.max, fix_idx, other_idx, draws, int(n_splits), float(step), mode))


# --- public API ------------------------------------------------------------------------------------------


def cc(pred: np.ndarray, gt_map: np.ndarray) -> float:
    """Pearson's linear correlation coefficient between two maps (CC.m).

    Both maps are standardised with the sample standard deviation and correlated (``corr2``); the result
    is symmetric and in [-1, 1]. NaN when either map is constant.

    Parameters
    ----------
    pred, gt_map : array_like, 2-D, same shape
        Prediction and continuous ground-truth map, any real dtype (used by value).

    References
    ----------
    Le Meur, Le Callet, Barba, "Predicting visual fixations on video based on low-level visual features",
    Vision Research 47(19), 2007; Bylinskii et al., TPAMI 2019 (CC.m).
    """
    return cc_from_stats(MapPair.from_arrays(pred, gt_map))


def nss(pred: np.ndarray, fixations: np.ndarray) -> float:
    """Normalized Scanpath Saliency (NSS.m).

    The prediction is standardised over all pixels, ``z = (p - mean)/std`` with ddof = 1, and the score is
    the mean of ``z`` over the fixated pixels, each pixel once. NaN without fixations or for a constant map.

    References
    ----------
    Peters, Iyer, Itti, Koch, "Components of bottom-up gaze allocation in natural images", Vision Research
    45(18), 2005; Bylinskii et al., TPAMI 2019 (NSS.m).
    """
    p = map_stats(pred, "pred")
    return nss_from_stats(p, fixation_indices(fixations, "fixations", p.shape))


def sim(pred: np.ndarray, gt_map: np.ndarray) -> float:
    """Similarity, or histogram intersection (similarity.m).

    Each map is min-max normalised and divided by its sum (an all-zero map stays zero); the score is
    ``sum(min(p_hat, g_hat))`` in [0, 1]. NaN when a map is constant and non-zero.

    References
    ----------
    Swain, Ballard, "Color indexing", IJCV 7(1), 1991; Judd, Durand, Torralba, "A benchmark of computational
    models of saliency to predict human fixations", MIT-CSAIL-TR-2012-001; Bylinskii et al., TPAMI 2019.
    """
    return sim_from_stats(MapPair.from_arrays(pred, gt_map))


def kld(pred: np.ndarray, gt_map: np.ndarray, *, clip_negative: bool = False) -> float:
    """Kullback-Leibler divergence of the prediction from the ground-truth map (KLdiv.m).

    ``P = p/sum(p)``, ``Q = g/sum(g)`` (an all-zero map is used as it is), and the score is
    ``sum(Q*ln(EPS + Q/(P + EPS)))`` with ``EPS = 2.220446049250313e-16``. Not symmetric; lower is better.
    NaN when the MATLAB expression is not a finite real number (only possible with negative values).

    Parameters
    ----------
    clip_negative : bool
        Clip ``pred`` at 0 first (the protocol does so after a bicubic resize, whose undershoot would
        otherwise make the score NaN).

    References
    ----------
    Bylinskii et al., TPAMI 2019 (KLdiv.m).
    """
    return kld_from_stats(MapPair.from_arrays(pred, gt_map), clip_negative)


def auc_judd(pred: np.ndarray, fixations: np.ndarray, *, jitter: object = True, rng: RngLike = None,
             variant: str = "matlab") -> float:
    """AUC-Judd (AUC_Judd.m): ROC area with the fixated values as thresholds.

    With ``jitter`` the map gets ``U/1e7`` added before normalisation, ``U = rng.random(shape)`` (one float64
    draw in C order); ``jitter`` may also be an array of ``U`` to replay a stream. For each fixated value
    ``t_i`` in descending order, ``tp_i = i/Nf`` and ``fp_i = (A_i - i)/(Np - Nf)`` where ``A_i`` counts all
    pixels with ``S >= t_i``; the curve (0,0), points, (1,1) is integrated with MATLAB ``trapz``.
    NaN without fixations, for a constant map without jitter, or when every pixel is fixated.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        Source of the jitter; the same seed gives the same value, bit for bit.
    variant : {"matlab", "tmfi"}
        ``"tmfi"`` reproduces the off-by-one ``fp_i = (A_i - (i - 1))/(Np - Nf)`` of TMFI-Net/ViNet code.

    References
    ----------
    Judd, Ehinger, Durand, Torralba, "Learning to predict where humans look", ICCV 2009; Bylinskii et al.,
    TPAMI 2019 (AUC_Judd.m).
    """
    p = map_stats(pred, "pred")
    return auc_judd_from_stats(p, fixation_indices(fixations, "fixations", p.shape), jitter, rng, variant)


def auc_shuffled(pred: np.ndarray, fixations: np.ndarray, other: np.ndarray, *, n_splits: int = 100,
                 step: float = 0.1, rng: RngLike = None, variant: str = "matlab") -> float:
    """Shuffled AUC (AUC_shuffled.m): fixated pixels against pixels fixated in other frames.

    Per split, ``No = min(Nf, M)`` distinct negatives are drawn without replacement from the ``M`` pixels of
    ``other``; thresholds are MATLAB's ``0:step:m`` (``m`` = the largest normalised positive or negative),
    descending; ``tp = #(Sth >= t)/Nf``, ``fp = #(neg >= t)/No``; the score is the mean ``trapz`` over splits.
    NaN without fixations, for a constant map, or for an empty ``other``.

    Parameters
    ----------
    other : array_like, 2-D
        The "other" fixation map, same shape as ``pred`` (non-zero = fixated).
    n_splits, step : int, float
        Number of random negative sets (100) and threshold step (0.1) of the reference.
    rng : None, int or numpy.random.Generator
        Source of the negative draws; the same seed gives the same value, bit for bit.
    variant : {"matlab", "octave", "unisal"}
        Threshold list: MATLAB colon (reference), ``k*step`` with the end point (GNU Octave), or
        ``np.arange(0, m, step)`` (UNISAL).

    References
    ----------
    Zhang, Tong, Marks, Shan, Cottrell, "SUN: A Bayesian framework for saliency using natural statistics",
    JoV 8(7), 2008; Borji, Tavakoli, Sihite, Itti, ICCV 2013; Bylinskii et al., TPAMI 2019 (AUC_shuffled.m).
    """
    p = map_stats(pred, "pred")
    fix_idx = fixation_indices(fixations, "fixations", p.shape)
    other_idx = fixation_indices(other, "other", p.shape)
    return auc_shuffled_from_stats(p, fix_idx, other_idx, n_splits, step, rng, variant)
