"""The prediction cache: one HDF5 file per (predictor config, dataset, split, video), written atomically.

Layout: ``<cache>/predictions/<dataset>/<split>/<predictor>-<key>/<video>.h5`` with the dataset ``maps``
(F, H, W), chunked per frame, gzip + Fletcher-32. ``key`` hashes the predictor's name, config, weights SHA-256
and the salbench version (:class:`PredictorId`), so a changed config never reuses stale maps and leaves the
other predictors' caches alone.

Storage ``"uint8"`` (default) keeps a map that is already 8-bit (integers in 0..255, e.g. a reference PNG) as
it is, and stores any other map the way the reference pipelines write their PNGs: min-max normalised to
[0, 1] and quantised to ``floor(255*x + 0.5)``; a constant map becomes all zeros. Per frame, ``rescaled``
records which of the two happened. All six metrics are invariant to that positive affine map except KLD, which
is then computed on the 8-bit map, exactly as when the reference scores the PNGs. Storage ``"float16"`` keeps the
map's values (to half precision) instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..hashing import stable_hash
from .h5io import (
    FILTERS,
    CacheCorrupt,
    atomic_h5,
    contiguous,
    expect_attrs,
    open_checked,
    remove_quietly,
    write_json_attr,
)

STORAGES = ("uint8", "float16")
FORMAT = "salbench-predictions-1"


@dataclass(frozen=True)
class PredictorId:
    """What identifies a predictor's output: the cache key, and the provenance of every table row."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    weights_sha256: str | None = None
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "config": self.config, "weights_sha256": self.weights_sha256,
                "salbench_version": __version__}

    @property
    def key(self) -> str:
        return stable_hash(self.to_dict(), 12)

    @property
    def display(self) -> str:
        return self.label or self.name

    @classmethod
    def of(cls, predictor: Any, label: str = "") -> PredictorId:
        """The identity of a registry predictor (its ``config`` must be JSON-serialisable)."""
        config = dict(predictor.config)
        try:
            json.dumps(config, sort_keys=True)
        except TypeError as err:
            raise TypeError(f"predictor {predictor.name!r}: config must be JSON-serialisable ({err})") from None
        return cls(predictor.name, config, getattr(predictor, "weights_sha256", None), label or predictor.name)


def quantize_map(pred: np.ndarray) -> tuple[np.ndarray, bool]:
    """A map as stored by the ``"uint8"`` cache: ``(q, rescaled)``; see the module docstring."""
    if np.issubdtype(pred.dtype, np.integer) or pred.dtype == np.bool_:
        lo, hi = int(pred.min()), int(pred.max())
        if lo >= 0 and hi <= 255:
            return pred.astype(np.uint8), False
    values = pred.astype(np.float64, copy=False)
    lo, hi = float(values.min()), float(values.max())
    if lo >= 0 and hi <= 255 and np.array_equal(values, np.floor(values)):
        return values.astype(np.uint8), False
    if hi == lo:
        return np.zeros(values.shape, np.uint8), True
    q = np.floor((values - lo) * (255.0 / (hi - lo)) + 0.5)
    return np.clip(q, 0, 255).astype(np.uint8), True


class PredictionCache:
    """The predictions of one predictor on one dataset split (see the module docstring)."""

    def __init__(self, root: str | Path, dataset: str, split: str, predictor: PredictorId,
                 storage: str = "uint8") -> None:
        if storage not in STORAGES:
            raise ValueError(f"prediction storage must be one of {STORAGES}, got {storage!r}")
        self.predictor = predictor
        self.storage = storage
        self.dataset = dataset
        self.split = split
        suffix = "" if storage == "uint8" else f"-{storage}"
        self.folder_name = f"{predictor.name}-{predictor.key}{suffix}"
        self.folder = Path(root) / "predictions" / dataset / split / self.folder_name

    def path(self, video_name: str) -> Path:
        return self.folder / f"{video_name}.h5"

    def _expected(self, video: Any) -> dict[str, object]:
        return {"format": FORMAT, "predictor_key": self.predictor.key, "storage": self.storage,
                "video": video.name, "n_frames": len(video), "video_fingerprint": video.fingerprint("frames")}

    def status(self, video: Any) -> str:
        """``"done"``, ``"missing"``, or ``"invalid: <reason>"`` (attributes only; data checked on read)."""
        path = self.path(video.name)
        if not path.exists():
            return "missing"
        try:
            with open_checked(path) as f:
                expect_attrs(f, path, self._expected(video))
                if f["maps"].shape[0] != len(video):
                    raise CacheCorrupt(path, f"{f['maps'].shape[0]} maps for {len(video)} frames")
        except CacheCorrupt as err:
            return f"invalid: {err}"
        return "done"

    def write(self, video: Any, maps: Iterable[np.ndarray], on_frame: Callable[[], None] | None = None) -> Path:
        """Store the maps of ``video`` (one per frame, in order), checking count, shape and finiteness."""
        path = self.path(video.name)
        n = len(video)
        who = f"predictor {self.predictor.display!r}, video {video.name}"
        with atomic_h5(path) as f:
            for name, value in self._expected(video).items():
                f.attrs[name] = value
            write_json_attr(f, "predictor", self.predictor.to_dict())
            dataset = None
            rescaled = np.zeros(n, dtype=bool)
            count = 0
            for i, pred in enumerate(maps):
                if i >= n:
                    raise ValueError(f"{who}: yielded more maps than the video's {n} frames")
                pred = np.asarray(pred)
                if pred.ndim != 2 or pred.size == 0:
                    raise ValueError(f"{who}, frame {i}: a map must be a non-empty 2-D array, got shape {pred.shape}")
                if not np.issubdtype(pred.dtype, np.number) and pred.dtype != np.bool_:
                    raise ValueError(f"{who}, frame {i}: map dtype {pred.dtype} is not numeric")
                if np.issubdtype(pred.dtype, np.floating) and not np.isfinite(pred).all():
                    raise ValueError(f"{who}, frame {i}: the map holds non-finite values (NaN or inf)")
                if dataset is None:
                    dtype = np.uint8 if self.storage == "uint8" else np.float16
                    dataset = f.create_dataset("maps", shape=(n, *pred.shape), dtype=dtype,
                                               chunks=(1, *pred.shape), **FILTERS)
                elif pred.shape != dataset.shape[1:]:
                    raise ValueError(f"{who}, frame {i}: map shape {pred.shape} differs from frame 0's "
                                     f"{dataset.shape[1:]}")
                if self.storage == "uint8":
                    dataset[i], rescaled[i] = quantize_map(pred)
                else:
                    dataset[i] = pred.astype(np.float16)
                count += 1
                if on_frame is not None:
                    on_frame()
            if count != n:
                raise ValueError(f"{who}: yielded {count} maps for {n} frames (every frame needs a prediction)")
            f.create_dataset("rescaled", data=rescaled)
        return path

    def read(self, video: Any, indices: np.ndarray | None = None) -> np.ndarray:
        """The stored maps of ``video`` (all, or the sorted frame ``indices``); :class:`CacheCorrupt` if damaged."""
        path = self.path(video.name)
        if not path.exists():
            raise FileNotFoundError(f"no cached predictions of {self.predictor.display!r} for video {video.name} "
                                    f"({path}); run `salbench predict` first")
        with open_checked(path) as f:
            expect_attrs(f, path, self._expected(video))
            maps = f["maps"]
            return maps[()] if indices is None else maps[contiguous(indices)]

    def discard(self, video_name: str) -> None:
        remove_quietly(self.path(video_name))
