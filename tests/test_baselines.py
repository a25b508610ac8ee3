"""The baseline predictors: hand-computed values and properties on constructed videos."""

import math

import numpy as np
import pytest
from PIL import Image

from predictors.baselines import (
    CenterPrior,
    FrameDifference,
    MeanMap,
    Precomputed,
    SpectralResidual,
    center_gaussian,
    read_prediction_png,
    spectral_residual_map,
)
from salbench import data
from salbench.data import DatasetError
from salbench.registry import PredictorContext


class FakeVideo:
    """Frames given as arrays (the predictors only use frame(i), size, len, name and stems)."""

    def __init__(self, frames, name="v"):
        self.frames = [np.asarray(f, np.uint8) for f in frames]
        self.name = name
        self.size = self.frames[0].shape[:2]
        self.stems = [f"{i + 1:04d}" for i in range(len(frames))]

    def __len__(self):
        return len(self.frames)

    def frame(self, i):
        return self.frames[i]


def square_frame(size, top, left, side=8, value=255):
    frame = np.full((*size, 3), 60, np.uint8)
    frame[top:top + side, left:left + side] = value
    return frame


def test_center_gaussian_by_hand():
    g = center_gaussian((3, 5), sigma=0.5)
    # centre (1, 2); at (0, 0): dy = -1/(0.5*3), dx = -2/(0.5*5) -> exp(-(4/9 + 16/25)/2)
    assert g[1, 2] == 1.0
    assert g[0, 0] == pytest.approx(math.exp(-0.5 * (4 / 9 + 16 / 25)), rel=1e-14)
    video = FakeVideo([np.zeros((3, 5, 3))] * 4)
    maps = list(CenterPrior(sigma=0.5).predict_video(video))
    assert len(maps) == 4 and all(np.array_equal(m, g) for m in maps)
    with pytest.raises(ValueError):
        CenterPrior(sigma=0)


def test_spectral_residual_finds_an_odd_one_out():
    size = (64, 128)
    frame = np.full((*size, 3), 100, np.uint8)
    rng = np.random.default_rng(0)
    frame[:] += (rng.random(size) * 10).astype(np.uint8)[..., None]
    frame[40:48, 90:98] = 255  # a small bright square
    video = FakeVideo([frame])
    (sal,) = SpectralResidual().predict_video(video)
    assert sal.shape == size and np.isfinite(sal).all()
    peak = np.unravel_index(np.argmax(sal), sal.shape)
    assert 32 <= peak[0] <= 56 and 82 <= peak[1] <= 106
    # a flat frame stays finite
    assert np.isfinite(spectral_residual_map(np.zeros((32, 64, 3), np.uint8))).all()


def test_motion_follows_the_moving_square_and_frame_zero_uses_frame_one():
    size = (48, 96)
    video = FakeVideo([square_frame(size, 20, 10 + 8 * t) for t in range(4)])
    maps = list(FrameDifference(scale=0.5).predict_video(video))
    assert len(maps) == 4 and all(m.shape == size for m in maps)
    assert np.array_equal(maps[0], maps[1])  # |f1 - f0| for both
    for t in range(1, 4):
        peak = np.unravel_index(np.argmax(maps[t]), size)
        assert 12 <= peak[0] <= 36 and 10 + 8 * (t - 1) - 8 <= peak[1] <= 10 + 8 * t + 16
    static = list(FrameDifference().predict_video(FakeVideo([square_frame(size, 5, 5)] * 3)))
    assert all(np.ptp(m) == 0 for m in static)  # nothing moves: a constant map


def test_mean_map_is_the_mean_gt_map_and_is_cached(tmp_path):
    # a generic-folder dataset: two videos with known 4x6 GT maps
    root = tmp_path / "ds"
    values = {"a": [10, 30], "b": [50]}
    for name, levels in values.items():
        for sub in ("images", "maps", "fixation"):
            (root / name / sub).mkdir(parents=True)
        for i, level in enumerate(levels):
            gt = np.full((4, 6), level, np.uint8)
            gt[0, 0] = 0
            Image.fromarray(gt).save(root / name / "maps" / f"{i + 1:04d}.png")
            Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(root / name / "images" / f"{i + 1:04d}.png")
            fix = np.zeros((4, 6), np.uint8)
            fix[1, 1] = 255
            Image.fromarray(fix).save(root / name / "fixation" / f"{i + 1:04d}.png")
    context = PredictorContext("folder", root, "test", tmp_path / "cache")
    predictor = MeanMap(split="test", size=(4, 6), context=context)
    mean = predictor.mean()
    expected = np.full((4, 6), (10 + 30 + 50) / 3 / 255)
    expected[0, 0] = 0
    assert mean == pytest.approx(expected, rel=1e-6)
    assert len(list((tmp_path / "cache" / "mean_map").glob("*.npy"))) == 1
    again = MeanMap(split="test", size=(4, 6), context=context)
    again.train = None  # the cached file is used: the training data is not read again
    assert np.array_equal(again.mean(), mean)
    video = data.open_dataset("folder", root, "test")[0]
    maps = list(predictor.predict_video(video))
    assert len(maps) == 2 and maps[0] == pytest.approx(expected, rel=1e-6)
    stride = MeanMap(split="test", size=(4, 6), stride=2, context=context)
    assert stride.config != predictor.config
    with pytest.raises(ValueError, match="needs the training data"):
        MeanMap()


def test_precomputed_reads_first_channel_by_stem_and_reports_problems(tmp_path):
    video = FakeVideo([np.zeros((4, 6, 3))] * 2, name="0601")
    folder = tmp_path / "maps" / "0601"
    folder.mkdir(parents=True)
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[..., 0] = 7
    rgb[..., 1] = 200
    Image.fromarray(rgb).save(folder / "0001.png")
    Image.fromarray(np.full((2, 3), 9, np.uint8)).save(folder / "0002.png")  # another size is allowed
    predictor = Precomputed(dir=tmp_path / "maps")
    maps = list(predictor.predict_video(video))
    assert maps[0].dtype == np.float64 and np.all(maps[0] == 7) and maps[1].shape == (2, 3)
    assert read_prediction_png(folder / "0002.png").max() == 9
    # the fingerprint changes when a file changes
    Image.fromarray(np.full((2, 3), 10, np.uint8)).save(folder / "0002.png")
    Image.fromarray(np.zeros((40, 30), np.uint8)).save(folder / "0002.png")
    assert Precomputed(dir=tmp_path / "maps").config != predictor.config
    (folder / "0002.png").rename(folder / "frame_b.png")  # stems no longer match, count still does
    assert len(list(Precomputed(dir=tmp_path / "maps").predict_video(video))) == 2
    (folder / "frame_b.png").unlink()
    with pytest.raises(DatasetError, match="holds 1 maps for the 2 frames"):
        list(Precomputed(dir=tmp_path / "maps").predict_video(video))
    with pytest.raises(DatasetError, match="no folder"):
        list(Precomputed(dir=tmp_path / "maps").predict_video(FakeVideo([rgb], name="0602")))
    with pytest.raises(DatasetError, match="no prediction folder"):
        Precomputed(dir=tmp_path / "missing")
