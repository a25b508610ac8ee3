"""Saliency metrics with the exact semantics of the MIT saliency benchmark MATLAB code, compiled with numba.

>>> from salbench import metrics
>>> metrics.nss([[1, 2], [3, 4]], [[0, 0], [0, 1]])
1.161895003862225

Public names (``../shared/specs/api.md``): :func:`cc`, :func:`nss`, :func:`sim`, :func:`kld`,
:func:`auc_judd`, :func:`auc_shuffled`, :func:`imresize`, :func:`evaluate_frame` and :data:`ALL`; plus
:func:`evaluate_frames` (a multi-threaded batch), :func:`matlab_colon`, :func:`matlab_round` and
:data:`EPS`. Semantics: ``../shared/specs/metrics.md``.
"""

from .colon import EPS, matlab_colon, matlab_round
from .frame import ALL, HIGHER_IS_BETTER, evaluate_frame, evaluate_frames
from .functions import AUC_J_VARIANTS, S_AUC_VARIANTS, auc_judd, auc_shuffled, cc, kld, nss, sim
from .imresize import imresize

__all__ = [
    "ALL",
    "AUC_J_VARIANTS",
    "EPS",
    "HIGHER_IS_BETTER",
    "S_AUC_VARIANTS",
    "auc_judd",
    "auc_shuffled",
    "cc",
    "evaluate_frame",
    "evaluate_frames",
    "imresize",
    "kld",
    "matlab_colon",
    "matlab_round",
    "nss",
    "sim",
]
