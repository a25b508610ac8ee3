"""The metrics cache: per-frame scores of one predictor under one protocol, one HDF5 file per video.

Layout: ``<cache>/metrics/<dataset>/<split>/<prediction folder>/<protocol key>-<frame-set key>/<video>.h5``
with ``frame`` (the scored 0-based frame indices) and one float64 dataset per metric (NaN where undefined),
plus the full provenance as JSON attributes (``../shared/specs/protocol.md`` section 11). ``run.json`` in the
same folder is written when every video of the run is scored; the leaderboard reads runs from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .h5io import FILTERS, CacheCorrupt, atomic_h5, atomic_write_text, expect_attrs, open_checked, write_json_attr

FORMAT = "salbench-metrics-1"
RUN_RECORD = "run.json"


class MetricStore:
    """Per-video metric files of one (predictor, dataset, split, protocol, frame set)."""

    def __init__(self, root: str | Path, dataset: str, split: str, prediction_folder: str, protocol_key: str,
                 set_key: str) -> None:
        self.folder = Path(root) / "metrics" / dataset / split / prediction_folder / f"{protocol_key}-{set_key}"
        self.protocol_key = protocol_key
        self.set_key = set_key

    @classmethod
    def at(cls, folder: str | Path, protocol_key: str, set_key: str) -> MetricStore:
        """The store of an existing run folder (as listed by :func:`find_records`)."""
        store = cls.__new__(cls)
        store.folder, store.protocol_key, store.set_key = Path(folder), protocol_key, set_key
        return store

    def path(self, video_name: str) -> Path:
        return self.folder / f"{video_name}.h5"

    def stored_frames(self, video_name: str) -> np.ndarray:
        """The frame indices a video's file holds (``FileNotFoundError`` if there is none)."""
        with open_checked(self.path(video_name)) as f:
            return f["frame"][()]

    def _expected(self, video_name: str, n_scored: int) -> dict[str, object]:
        return {"format": FORMAT, "video": video_name, "n_scored": n_scored, "protocol_key": self.protocol_key,
                "set_key": self.set_key}

    def load(self, video_name: str, frames: np.ndarray, metrics: tuple[str, ...]) -> dict[str, np.ndarray] | None:
        """The stored scores of a video (None if not computed yet); :class:`CacheCorrupt` if the file is bad."""
        path = self.path(video_name)
        if not path.exists():
            return None
        with open_checked(path) as f:
            expect_attrs(f, path, self._expected(video_name, len(frames)))
            if not np.array_equal(f["frame"][()], frames):
                raise CacheCorrupt(path, "scored frames differ from the frame set")
            out = {name: f[name][()] for name in metrics}
        for name, values in out.items():
            if values.shape != frames.shape:
                raise CacheCorrupt(path, f"{name} holds {values.shape} values for {len(frames)} frames")
        return out

    def save(self, video_name: str, frames: np.ndarray, values: dict[str, np.ndarray],
             provenance: dict[str, Any]) -> None:
        with atomic_h5(self.path(video_name)) as f:
            for name, value in self._expected(video_name, len(frames)).items():
                f.attrs[name] = value
            write_json_attr(f, "provenance", provenance)
            f.create_dataset("frame", data=np.asarray(frames, dtype=np.int64), **FILTERS)
            for name, array in values.items():
                f.create_dataset(name, data=np.asarray(array, dtype=np.float64), **FILTERS)

    def write_record(self, record: dict[str, Any]) -> Path:
        path = self.folder / RUN_RECORD
        atomic_write_text(path, json.dumps(record, indent=1, sort_keys=True) + "\n")
        return path


def find_records(root: str | Path, dataset: str | None = None, split: str | None = None) -> list[Path]:
    """The ``run.json`` files below ``<root>/metrics`` (optionally for one dataset / split), sorted."""
    base = Path(root) / "metrics"
    if dataset is not None:
        base = base / dataset
        if split is not None:
            base = base / split
    return sorted(base.rglob(RUN_RECORD)) if base.exists() else []
