"""Evaluation throughput on a synthetic DHF1K-sized video (360x640, 40 frames): all six metrics per frame, from the
prediction cache (spectral_residual maps), with the GT cache cold (PNG/.mat decoding included) or warm, on every core.

frames/s = 40 / (time per round). Run with ``python -m pytest tests/benchmarks --benchmark-enable``.
"""

import shutil

import pytest

from predictors.baselines import SpectralResidual
from salbench import data
from salbench.cache.predictions import PredictionCache, PredictorId
from salbench.evaluation import evaluate_predictions
from salbench.protocol import Protocol

N_FRAMES = 40


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench_eval")
    root = data.make_synthetic(base / "data", n_videos=3, n_frames=N_FRAMES, size=(360, 640))
    val = data.open_dataset("synthetic", root, "val")
    predictor = SpectralResidual()  # smooth maps, like real models' (noise would compress worse)
    cache = PredictionCache(base / "cache", val.name, val.split, PredictorId.of(predictor))
    for video in val:
        cache.write(video, predictor.predict_video(video))
    return val, cache, base / "cache"


def evaluate(val, cache, root, keep_gt):
    shutil.rmtree(root / "metrics", ignore_errors=True)
    if not keep_gt:
        shutil.rmtree(root / "gt", ignore_errors=True)
    result = evaluate_predictions(val, cache, root, Protocol())
    return sum(len(f) for f in result.frames)


def test_evaluate_cold_gt_cache(benchmark, setting):
    assert benchmark(evaluate, *setting, keep_gt=False) == N_FRAMES


def test_evaluate_warm_gt_cache(benchmark, setting):
    evaluate(*setting, keep_gt=True)
    assert benchmark(evaluate, *setting, keep_gt=True) == N_FRAMES
