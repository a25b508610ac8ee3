"""The same per-frame work through pysaliency, for the speed comparison in README.md (skipped without it).

pysaliency's five comparable metrics: CC, NSS, SIM, KLD (MIT variant) and AUC-Judd with jitter (its
``general_roc`` with the fixated values as thresholds), plus its shuffled AUC (a rank AUC against the
other map's values) for the sixth.
"""

import numpy as np
import pytest

pysaliency = pytest.importorskip("pysaliency")
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # pysaliency's own log(0)
if not hasattr(np, "trapz"):  # pysaliency's ROC code calls np.trapz, removed in numpy 2.4
    np.trapz = np.trapezoid
from pysaliency import metrics as PM  # noqa: E402
from pysaliency.roc import general_roc  # noqa: E402


def pysaliency_frame(pred, gt_map, fixations, other, rng):
    """pysaliency's counterparts of salbench's six metrics (s-AUC left out when ``other`` is None)."""
    s = pred.astype(float)
    g = gt_map.astype(float)
    ys, xs = np.nonzero(fixations)
    jittered = s + rng.random(s.shape) * 1e-7
    fixed = fixations.ravel()
    out = {
        "cc": PM.CC(s, g),
        "nss": PM.NSS(s, xs, ys).mean(),
        "sim": PM.SIM(s, g),
        "kld": PM.MIT_KLDiv(s, g),
        "auc_j": general_roc(jittered.ravel()[fixed], jittered.ravel()[~fixed], judd=1)[0],
    }
    if other is not None:
        out["s_auc"] = general_roc(s.ravel()[fixed], s.ravel()[other.ravel()], judd=0)[0]
    return out


def test_pysaliency_six_metrics(benchmark, frame):
    rng = np.random.default_rng(0)
    out = benchmark(pysaliency_frame, *frame, rng)
    assert len(out) == 6


def test_pysaliency_five_comparable_metrics(benchmark, frame):
    pred, gt_map, fixations, _ = frame
    rng = np.random.default_rng(0)

    assert len(benchmark(pysaliency_frame, pred, gt_map, fixations, None, rng)) == 5
