"""The ground-truth cache: per video, the GT maps as stored (8-bit) and the fixations as pixel indices.

Layout: ``<cache>/gt/<dataset>/<split>/<video>.h5`` with ``maps`` (F, H, W) uint8 chunked per frame, and the
fixations of frame f as the flat 0-based indices ``r*W + c`` in ``fixation_index[fixation_offset[f]:
fixation_offset[f+1]]`` (int32, sorted). The file records the video's GT fingerprint (file names and sizes,
fixation source); a changed copy is re-read. Decoding the PNG/.mat files dominates an uncached evaluation, so
the cache is built on two threads (Pillow releases the GIL while decoding).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .h5io import FILTERS, CacheCorrupt, atomic_h5, contiguous, expect_attrs, open_checked

FORMAT = "salbench-gt-1"


class Fixations:
    """The fixations of one video: ``pixels(f)`` gives frame f's flat indices ``r*W + c`` (0-based)."""

    def __init__(self, offsets: np.ndarray, index: np.ndarray, size: tuple[int, int]) -> None:
        self.offsets = offsets
        self.index = index
        self.size = size

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def pixels(self, frame: int) -> np.ndarray:
        return self.index[self.offsets[frame]:self.offsets[frame + 1]]

    def mask(self, frame: int) -> np.ndarray:
        out = np.zeros(self.size[0] * self.size[1], dtype=bool)
        out[self.pixels(frame)] = True
        return out.reshape(self.size)


class GroundTruthCache:
    """GT maps and fixations of the videos of one dataset split (see the module docstring)."""

    def __init__(self, root: str | Path, dataset: str, split: str, n_jobs: int | None = None) -> None:
        self.folder = Path(root) / "gt" / dataset / split
        self.n_jobs = n_jobs or min(2, os.cpu_count() or 1)

    def path(self, video_name: str) -> Path:
        return self.folder / f"{video_name}.h5"

    @staticmethod
    def _expected(video: Any) -> dict[str, object]:
        return {"format": FORMAT, "video": video.name, "n_frames": len(video),
                "gt_fingerprint": video.fingerprint("gt")}

    def ensure(self, video: Any, on_frame: Callable[[], None] | None = None) -> str:
        """Make sure the cache holds ``video``; returns "cached", "built" or "rebuilt: <reason>"."""
        path = self.path(video.name)
        reason = ""
        if path.exists():
            try:
                with open_checked(path) as f:
                    expect_attrs(f, path, self._expected(video))
                return "cached"
            except CacheCorrupt as err:
                reason = str(err)
        self.build(video, on_frame)
        return f"rebuilt: {reason}" if reason else "built"

    def build(self, video: Any, on_frame: Callable[[], None] | None = None) -> None:
        if not video.has_gt:
            raise ValueError(f"video {video.name} has no ground truth in split {video.split}; it cannot be scored")
        n = len(video)
        height, width = video.size

        def read(i: int) -> tuple[np.ndarray, np.ndarray]:
            gt = video.gt_map_uint8(i)
            fix = np.flatnonzero(video.fixations(i)).astype(np.int32)
            return gt, fix

        with atomic_h5(self.path(video.name)) as f:
            for name, value in self._expected(video).items():
                f.attrs[name] = value
            maps = f.create_dataset("maps", shape=(n, height, width), dtype=np.uint8, chunks=(1, height, width),
                                    **FILTERS)
            offsets = np.zeros(n + 1, dtype=np.int64)
            pieces = []
            with ThreadPoolExecutor(max_workers=self.n_jobs) as pool:
                for i, (gt, fix) in enumerate(pool.map(read, range(n))):
                    maps[i] = gt
                    pieces.append(fix)
                    offsets[i + 1] = offsets[i] + len(fix)
                    if on_frame is not None:
                        on_frame()
            index = np.concatenate(pieces) if pieces else np.zeros(0, np.int32)
            f.create_dataset("fixation_offset", data=offsets, **FILTERS)
            if len(index):
                f.create_dataset("fixation_index", data=index, chunks=(min(len(index), 1 << 16),), **FILTERS)
            else:  # no fixation in the whole video: filters need a chunked, non-empty dataset
                f.create_dataset("fixation_index", data=index)

    def maps(self, video: Any, indices: np.ndarray) -> np.ndarray:
        """GT maps (uint8) of the sorted frame ``indices``."""
        path = self.path(video.name)
        with open_checked(path) as f:
            expect_attrs(f, path, self._expected(video))
            return f["maps"][contiguous(indices)]

    def fixations(self, video: Any) -> Fixations:
        """All fixations of ``video`` as a :class:`Fixations`."""
        path = self.path(video.name)
        with open_checked(path) as f:
            expect_attrs(f, path, self._expected(video))
            offsets = f["fixation_offset"][()]
            index = f["fixation_index"][()]
            size = tuple(int(s) for s in f["maps"].shape[1:])
        if len(offsets) != len(video) + 1 or offsets[-1] != len(index):
            raise CacheCorrupt(path, "fixation offsets do not match the index")
        return Fixations(offsets, index, size)  # type: ignore[arg-type]
