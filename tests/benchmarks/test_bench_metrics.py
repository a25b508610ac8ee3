"""Speed of the metrics (pytest-benchmark; reports, never asserts on time).

Run: python -m pytest tests/benchmarks --benchmark-enable --benchmark-columns=min,median,mean,rounds
The default test run executes each benchmark once as a smoke test (--benchmark-disable in pyproject).
"""

import math

import numpy as np
import pytest

from salbench import metrics as M


def test_evaluate_frame_all_six_uint8(benchmark, frame):
    pred, gt_map, fixations, other = frame
    out = benchmark(M.evaluate_frame, pred, gt_map, fixations, other, rng=0)
    assert list(out) == list(M.ALL) and all(math.isfinite(v) for v in out.values())


def test_evaluate_frame_all_six_float64(benchmark, float_frame):
    pred, gt_map, fixations, other = float_frame
    out = benchmark(M.evaluate_frame, pred, gt_map, fixations, other, rng=0)
    assert all(math.isfinite(v) for v in out.values())


@pytest.mark.parametrize("name", M.ALL)
def test_single_metric_uint8(benchmark, frame, name):
    pred, gt_map, fixations, other = frame
    calls = {
        "cc": lambda: M.cc(pred, gt_map),
        "nss": lambda: M.nss(pred, fixations),
        "sim": lambda: M.sim(pred, gt_map),
        "kld": lambda: M.kld(pred, gt_map),
        "auc_j": lambda: M.auc_judd(pred, fixations, rng=0),
        "s_auc": lambda: M.auc_shuffled(pred, fixations, other, rng=0),
    }
    assert math.isfinite(benchmark(calls[name]))


def test_evaluate_frames_batch_256_two_threads(benchmark, frame):
    pred, gt_map, fixations, other = frame
    n = 256
    out = benchmark.pedantic(
        M.evaluate_frames, args=([pred] * n, [gt_map] * n, [fixations] * n, [other] * n),
        kwargs=dict(rng=0, n_jobs=2), rounds=3, iterations=1, warmup_rounds=1,
    )
    assert out["cc"].shape == (n,) and np.isfinite(out["s_auc"]).all()


def test_imresize_bicubic_upscale_to_360x640(benchmark):
    small = np.random.default_rng(0).random((180, 320))
    out = benchmark(M.imresize, small, (360, 640))
    assert out.shape == (360, 640)
