"""Baseline predictors, all CPU-friendly: the floor a real model must beat, and a way to score any PNG maps.

- ``center``: an anisotropic Gaussian at the frame centre. It ignores the content, so its s-AUC sits near 0.5
  (the shuffled AUC's chance calibration) while its AUC-J shows the centre bias of the data.
- ``mean_map``: the mean GT map of the training split of the evaluated dataset, computed once and cached.
- ``spectral_residual``: X. Hou and L. Zhang, "Saliency Detection: A Spectral Residual Approach", CVPR 2007,
  per frame, with the parameters of the authors' published MATLAB code (64 px wide, 3x3 average of the log
  amplitude, Gaussian sigma 2.5 on the squared inverse transform).
- ``motion``: frame differencing, ``|I_t - I_{t-1}|`` of blurred greyscale frames, blurred.
- ``precomputed``: any model's maps read from ``<dir>/<video>/<frame>.png``, so a model is benchmarked without
  writing code. Read like the reference reads them: first channel, 0..255, at their own size (the evaluator
  resizes them as the protocol says).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter, uniform_filter

from salbench.cache.h5io import atomic_path
from salbench.data import DatasetError, open_dataset
from salbench.data.listing import MAP_EXTENSIONS, list_images
from salbench.hashing import stable_hash
from salbench.progress import progress_bar
from salbench.registry import PredictorContext, register_predictor


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0


def _to_size(small: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize (half-pixel centres, as ``cv2.resize`` INTER_LINEAR) to (H, W), float64."""
    return cv2.resize(small.astype(np.float32), (size[1], size[0]), interpolation=cv2.INTER_LINEAR).astype(np.float64)


def center_gaussian(size: tuple[int, int], sigma: float) -> np.ndarray:
    """``exp(-((y - cy)^2 / (2 (sigma H)^2) + (x - cx)^2 / (2 (sigma W)^2)))`` at pixel centres, float64."""
    height, width = size
    y = (np.arange(height) - (height - 1) / 2) / (sigma * height)
    x = (np.arange(width) - (width - 1) / 2) / (sigma * width)
    return np.exp(-0.5 * (y[:, None] ** 2 + x[None, :] ** 2))


class CenterPrior:
    """A centre Gaussian, the same for every frame; ``sigma`` is a fraction of the height and width."""

    name = "center"

    def __init__(self, sigma: float = 0.2) -> None:
        if not sigma > 0:
            raise ValueError(f"center: sigma must be > 0, got {sigma}")
        self.config = {"sigma": float(sigma)}

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        prior = center_gaussian(video.size, self.config["sigma"])
        for _ in range(len(video)):
            yield prior


class MeanMap:
    """The mean GT map of a training split, at ``size`` (H, W), resized (bilinear) to each video's size.

    Every ``stride``-th frame of every training video counts, each GT map first resized to ``size`` with
    area averaging. The mean is computed once and cached as ``<cache>/mean_map/<dataset>-<split>-<key>.npy``;
    ``config`` holds a fingerprint of the training split, so a changed copy gives a new key.
    """

    name = "mean_map"

    def __init__(self, dataset: str | None = None, root: str | Path | None = None, split: str = "train",
                 size: tuple[int, int] | list[int] = (180, 320), stride: int = 1,
                 context: PredictorContext | None = None) -> None:
        if dataset is None or root is None:
            if context is None:
                raise ValueError("mean_map needs the training data: pass dataset= and root= (the runner passes "
                                 "the evaluated dataset)")
            dataset = dataset or context.dataset
            root = root or context.root
        if stride < 1:
            raise ValueError(f"mean_map: stride must be >= 1, got {stride}")
        options = dict(context.dataset_options) if context is not None and context.dataset == dataset else {}
        self.train = open_dataset(dataset, root, split, **options)
        if not len(self.train):
            raise DatasetError(f"mean_map: the {split} split of {dataset} at {root} holds no video")
        if not all(v.has_gt for v in self.train):
            raise DatasetError(f"mean_map: the {split} split of {dataset} at {root} has no ground truth")
        fingerprint = stable_hash([[v.name, v.fingerprint("gt")] for v in self.train], 12)
        self.config = {"dataset": dataset, "split": split, "size": [int(s) for s in size], "stride": int(stride),
                       "train_fingerprint": fingerprint}
        self.cache_root = Path(context.cache_root) if context is not None else None
        self.progress = bool(context and context.progress)
        self._mean: np.ndarray | None = None

    def _cache_path(self) -> Path | None:
        if self.cache_root is None:
            return None
        c = self.config
        return self.cache_root / "mean_map" / f"{c['dataset']}-{c['split']}-{stable_hash(c, 12)}.npy"

    def mean(self) -> np.ndarray:
        """The mean map at ``size`` (computed at the first call, then read from the cache)."""
        if self._mean is not None:
            return self._mean
        path = self._cache_path()
        if path is not None and path.exists():
            try:
                self._mean = np.load(path, allow_pickle=False)
                if self._mean.shape == tuple(self.config["size"]):
                    return self._mean
            except (OSError, ValueError):
                pass  # damaged: recompute below
        height, width = self.config["size"]
        total = np.zeros((height, width))
        count = 0
        stride = self.config["stride"]
        n_frames = sum(len(range(0, len(v), stride)) for v in self.train)
        with progress_bar(self.progress, total=n_frames, desc="mean_map", unit="frame") as bar:
            for video in self.train:
                for i in range(0, len(video), stride):
                    gt = video.gt_map(i)
                    total += cv2.resize(gt, (width, height), interpolation=cv2.INTER_AREA)
                    count += 1
                    bar.update()
        self._mean = total / count
        if path is not None:
            with atomic_path(path) as tmp, open(tmp, "wb") as handle:
                np.save(handle, self._mean, allow_pickle=False)
        return self._mean

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        prior = _to_size(self.mean(), video.size)
        for _ in range(len(video)):
            yield prior


def spectral_residual_map(rgb: np.ndarray, width: int = 64, sigma: float = 2.5) -> np.ndarray:
    """Hou & Zhang (2007) spectral-residual saliency of one RGB frame, at the analysis size (float64).

    The greyscale frame is shrunk to ``width`` pixels wide (area averaging); ``R = log|F| - mean3x3(log|F|)``
    (replicated borders); the map is ``|ifft2(exp(R + i angle(F)))|^2`` smoothed with a Gaussian of ``sigma``.
    """
    grey = _grey(rgb)
    height = max(1, round(grey.shape[0] * width / grey.shape[1]))
    small = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA).astype(np.float64)
    spectrum = np.fft.fft2(small)
    log_amplitude = np.log(np.abs(spectrum) + 1e-12)  # + tiny: a flat frame has zero non-DC amplitudes
    residual = log_amplitude - uniform_filter(log_amplitude, size=3, mode="nearest")
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    return gaussian_filter(saliency, sigma, mode="nearest")


class SpectralResidual:
    """Spectral residual saliency per frame (Hou & Zhang, CVPR 2007), resized bilinearly to the frame size."""

    name = "spectral_residual"

    def __init__(self, width: int = 64, sigma: float = 2.5) -> None:
        if width < 8 or sigma <= 0:
            raise ValueError(f"spectral_residual: width must be >= 8 and sigma > 0, got {width}, {sigma}")
        self.config = {"width": int(width), "sigma": float(sigma)}

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        for i in range(len(video)):
            yield _to_size(spectral_residual_map(video.frame(i), **self.config), video.size)


class FrameDifference:
    """Motion saliency by frame differencing: ``G(|B(I_t) - B(I_{t-1})|)`` on greyscale frames at ``scale``.

    ``B`` blurs with ``sigma_frame`` and ``G`` with ``sigma`` (both fractions of the analysis width); frame 0
    uses its difference with frame 1 (its next frame). A static shot gives a constant map (undefined metrics).
    """

    name = "motion"

    def __init__(self, scale: float = 0.25, sigma: float = 0.03, sigma_frame: float = 0.005) -> None:
        if not 0 < scale <= 1 or sigma <= 0 or sigma_frame < 0:
            raise ValueError(f"motion: need 0 < scale <= 1, sigma > 0, sigma_frame >= 0; got {scale}, {sigma}, "
                             f"{sigma_frame}")
        self.config = {"scale": float(scale), "sigma": float(sigma), "sigma_frame": float(sigma_frame)}

    def _prepare(self, rgb: np.ndarray) -> np.ndarray:
        height, width = rgb.shape[:2]
        small_w = max(8, round(width * self.config["scale"]))
        small_h = max(8, round(height * self.config["scale"]))
        small = cv2.resize(_grey(rgb), (small_w, small_h), interpolation=cv2.INTER_AREA).astype(np.float64)
        return gaussian_filter(small, self.config["sigma_frame"] * small_w, mode="nearest")

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        previous = None
        for i in range(len(video)):
            current = self._prepare(video.frame(i))
            if previous is None:  # frame 0: its difference with frame 1
                following = self._prepare(video.frame(1)) if len(video) > 1 else current
                difference = np.abs(following - current)
            else:
                difference = np.abs(current - previous)
            previous = current
            sigma = self.config["sigma"] * difference.shape[1]
            yield _to_size(gaussian_filter(difference, sigma, mode="nearest"), video.size)


def read_prediction_png(path: Path) -> np.ndarray:
    """A saliency PNG as the reference reads it: the first channel, values 0..255, as float64."""
    try:
        with Image.open(path) as img:
            img.load()
            array = np.asarray(img)
    except FileNotFoundError:
        raise DatasetError(f"missing prediction file: {path}") from None
    except OSError as err:
        raise DatasetError(f"unreadable prediction file {path}: {err}") from None
    if array.ndim == 3:
        array = array[..., 0]
    if array.dtype != np.uint8:
        raise DatasetError(f"prediction file {path} is not 8-bit (dtype {array.dtype})")
    return array.astype(np.float64)


class Precomputed:
    """Maps already computed by any model, as ``<dir>/<video>/<frame>.png`` (one per frame).

    A video's files are matched to its frames by file stem (the GT map's name, e.g. ``0001.png``) when every
    stem has a file; otherwise the folder must hold exactly one image per frame, taken in natural order.
    ``config`` holds the folder and a fingerprint of its files (names and sizes), so replaced maps are
    re-read. Give each model its own label: ``precomputed:dir=maps/tmfi,label=TMFI-Net``.
    """

    name = "precomputed"

    def __init__(self, dir: str | Path) -> None:  # noqa: A002 - the option is called dir on the command line
        self.dir = Path(dir).expanduser().resolve()
        if not self.dir.is_dir():
            raise DatasetError(f"precomputed: no prediction folder {self.dir}")
        entries = sorted((p.relative_to(self.dir).as_posix(), p.stat().st_size) for p in self.dir.rglob("*")
                         if p.is_file() and p.suffix.lower() in MAP_EXTENSIONS)
        if not entries:
            raise DatasetError(f"precomputed: {self.dir} holds no image (expected <dir>/<video>/<frame>.png)")
        self.config = {"dir": str(self.dir), "files": stable_hash(entries)}

    def files(self, video: Any) -> list[Path]:
        folder = self.dir / video.name
        if not folder.is_dir():
            raise DatasetError(f"precomputed: no folder {folder} for video {video.name}")
        images = list_images(folder)
        by_stem = {p.stem: p for p in images}
        stems = video.stems
        if all(s in by_stem for s in stems):
            return [by_stem[s] for s in stems]
        if len(images) != len(video):
            missing = [s for s in stems if s not in by_stem][:3]
            raise DatasetError(f"precomputed: {folder} holds {len(images)} maps for the {len(video)} frames of "
                               f"video {video.name}, and no file for frame(s) {missing}")
        return images

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        for path in self.files(video):
            yield read_prediction_png(path)


register_predictor("center")(CenterPrior)
register_predictor("mean_map")(MeanMap)
register_predictor("spectral_residual")(SpectralResidual)
register_predictor("motion")(FrameDifference)
register_predictor("precomputed")(Precomputed)

__all__ = ["CenterPrior", "FrameDifference", "MeanMap", "Precomputed", "SpectralResidual", "center_gaussian",
           "read_prediction_png", "spectral_residual_map"]
