"""A video of a saliency dataset: lazily decoded frames, GT maps and fixations, validated on access."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..hashing import stable_hash
from .errors import DatasetError
from .images import image_size, read_fixation_mat, read_grey, read_rgb


class FrameSource(Protocol):
    """Where a video's RGB frames come from: PNG/JPEG files, or a video file decoded on demand."""

    kind: str  # "png" or "pyav", recorded in the provenance
    location: Path

    def __len__(self) -> int: ...

    def read(self, index: int) -> np.ndarray: ...

    def describe(self, index: int) -> str: ...


class ImageFrames:
    """Frames stored as image files (PNG or JPEG), one per frame, in sorted order."""

    kind = "png"

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = list(files)
        self.location = self.files[0].parent if self.files else Path()

    def __len__(self) -> int:
        return len(self.files)

    def read(self, index: int) -> np.ndarray:
        return read_rgb(self.files[index])

    def describe(self, index: int) -> str:
        return str(self.files[index])


class _LRU:
    """A small least-recently-used cache of decoded arrays, keyed by frame index."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the GT cache reads frames from several threads

    def get(self, index: int, load: Callable[[int], np.ndarray]) -> np.ndarray:
        with self._lock:
            item = self._items.get(index)
            if item is not None:
                self._items.move_to_end(index)
                return item
        item = load(index)  # outside the lock: decoding runs in parallel
        item.setflags(write=False)  # cached arrays are shared: callers must copy to modify
        with self._lock:
            self._items[index] = item
            self._items.move_to_end(index)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item


class Video:
    """One video (for Hollywood-2: one shot) with 0-based frame access in sorted order.

    Parameters
    ----------
    name : str
        The folder name (e.g. ``"0601"``).
    frames : FrameSource or None
        RGB frames; None when the copy holds only ground truth.
    maps, fixations : list of Path or None
        GT map PNGs and fixation PNGs, one per frame (None for a split without ground truth).
    fixation_mats : list of Path or None
        The ``fixation/maps/*.mat`` files (variable ``I``).
    fixation_source : {"auto", "png", "mat"}
        Where fixations come from; "auto" prefers the ``.mat`` files when they exist (both agree on the real
        data; :meth:`fixation_disagreements` checks it).
    fps : float
        Frame rate from the dataset card.
    group : str, optional
        The cluster for statistics (Hollywood-2: the original clip); defaults to ``name``.
    category : str, optional
        The class of the clip (UCF-Sports).
    """

    def __init__(self, name: str, *, frames: FrameSource | None, maps: list[Path] | None,
                 fixations: list[Path] | None, fixation_mats: list[Path] | None = None, fps: float,
                 split: str, group: str | None = None, category: str | None = None,
                 fixation_source: str = "auto", location: Path | None = None) -> None:
        if fixation_source not in ("auto", "png", "mat"):
            raise ValueError(f"fixations must be 'auto', 'png' or 'mat', got {fixation_source!r}")
        if fixation_source == "auto":  # the .mat files are what the official MATLAB evaluation reads
            fixation_source = "mat" if fixation_mats is not None else "png"
        if fixation_source == "mat" and maps is not None and fixation_mats is None:
            raise DatasetError(f"video {name}: fixations='mat' asked for, but there is no fixation/maps folder "
                               f"in {location}")
        self.name = name
        self.split = split
        self.fps = float(fps)
        self.group = group or name
        self.category = category
        self.location = location
        self._frames = frames
        self._maps = maps
        self._fixations = fixations
        self._fixation_mats = fixation_mats
        self.fixation_source = fixation_source
        self._frame_cache = _LRU(32)  # a 16-frame sliding window reuses each frame 16 times
        self._map_cache = _LRU(8)
        self._fixation_cache = _LRU(64)
        self._size: tuple[int, int] | None = None
        self._fingerprints: dict[str, str] = {}

    # --- what the video holds ----------------------------------------------------------------------------

    @property
    def has_gt(self) -> bool:
        """Whether GT maps and fixations exist (False for DHF1K's test split)."""
        return self._maps is not None

    @property
    def has_frames(self) -> bool:
        return self._frames is not None

    def __len__(self) -> int:
        if self._maps is not None:
            return len(self._maps)
        if self._frames is not None:
            return len(self._frames)
        return 0

    @property
    def size(self) -> tuple[int, int]:
        """(H, W) of the frames and maps, read from the first file's header."""
        if self._size is None:
            if self._maps:
                self._size = image_size(self._maps[0])
            elif self._frames is not None and len(self._frames) and self._frames.kind == "png":
                self._size = image_size(self._frames.files[0])  # type: ignore[attr-defined]
            elif self._frames is not None and len(self._frames):
                self._size = self._frames.read(0).shape[:2]
            else:
                raise DatasetError(f"video {self.name} has no frames ({self.location})")
        return self._size

    @property
    def provenance(self) -> dict[str, str]:
        """Where the data came from: frame source (png | pyav), fixation source (png | mat), location."""
        return {
            "frame_source": self._frames.kind if self._frames is not None else "none",
            "fixation_source": self.fixation_source,
            "location": str(self.location),
        }

    @property
    def stems(self) -> list[str]:
        """The file stems of the frames' GT maps (or of the frame images; ``"0001"``, ... for a video file)."""
        if self._maps is not None:
            return [p.stem for p in self._maps]
        files = getattr(self._frames, "files", None)
        if files is not None:
            return [p.stem for p in files]
        return [f"{i + 1:04d}" for i in range(len(self))]

    def fingerprint(self, what: str = "all") -> str:
        """A short hash of the names and byte sizes of the video's files (``what``: "gt", "frames" or "all").

        Caches store it: a video whose files change is recomputed. Sizes, not modification times, so that
        copying a dataset keeps its caches valid."""
        if what in self._fingerprints:
            return self._fingerprints[what]
        groups: list[object] = [self.name, len(self), self.fixation_source if what != "frames" else ""]
        lists = []
        if what in ("gt", "all"):
            lists += [self._maps, self._fixation_mats if self.fixation_source == "mat" else self._fixations]
        if what in ("frames", "all"):
            lists.append(getattr(self._frames, "files", None) or ([self._frames.location] if self._frames else None))
        for paths in lists:
            if paths is None:
                groups.append(None)
                continue
            entries = []
            for p in paths:
                try:
                    entries.append((p.name, p.stat().st_size))
                except OSError:
                    entries.append((p.name, -1))
            groups.append(entries)
        self._fingerprints[what] = stable_hash(groups)  # files are not expected to change while a Video lives
        return self._fingerprints[what]

    def __repr__(self) -> str:
        return f"Video({self.name!r}, split={self.split!r}, frames={len(self)}, has_gt={self.has_gt})"

    # --- per-frame access ----------------------------------------------------------------------------------

    def _check_index(self, index: int) -> int:
        n = len(self)
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"frame index must be an int, got {type(index).__name__}")
        if not -n <= index < n:
            raise IndexError(f"frame {index} out of range for video {self.name} with {n} frames")
        return int(index) % n

    def _reference(self, index: int) -> str:
        if self._maps is not None:
            return str(self._maps[index])
        return self._frames.describe(index) if self._frames is not None else self.name

    def _check_shape(self, array: np.ndarray, what: str, index: int) -> np.ndarray:
        if array.shape[:2] != self.size:
            raise DatasetError(
                f"video {self.name}, frame {index}: {what} has size {array.shape[:2]} but {self._reference(0)} "
                f"has {self.size}; frames, maps and fixations of a video must have one size (no silent resize)"
            )
        return array

    def _require_gt(self) -> None:
        if self._maps is None:
            raise DatasetError(f"video {self.name}: no ground truth for split {self.split}")

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` (0-based) as uint8 (H, W, 3) RGB. Read-only: copy to modify."""
        i = self._check_index(index)
        if self._frames is None:
            raise DatasetError(f"video {self.name}: no frames in this copy ({self.location}); extract images/ "
                               f"or provide the video file")
        if len(self._frames) != len(self):
            raise DatasetError(f"video {self.name}: {len(self._frames)} frames in {self._frames.location} but "
                               f"{len(self)} GT maps")
        return self._frame_cache.get(i, lambda k: self._check_shape(self._frames.read(k),
                                                                     f"frame {self._frames.describe(k)}", k))

    def gt_map_uint8(self, index: int) -> np.ndarray:
        """GT map ``index`` as stored: uint8 (H, W), 0..255 (the metrics' 8-bit fast path uses this)."""
        i = self._check_index(index)
        self._require_gt()
        return self._map_cache.get(i, lambda k: self._check_shape(read_grey(self._maps[k]), str(self._maps[k]), k))

    def gt_map(self, index: int) -> np.ndarray:
        """GT map ``index`` as float32 (H, W) in [0, 1] (the 8-bit PNG divided by 255)."""
        return self.gt_map_uint8(index).astype(np.float32) / np.float32(255)

    def fixations(self, index: int) -> np.ndarray:
        """Fixation map ``index`` as bool (H, W): PNG ``> 0``, or the ``.mat`` variable ``I`` when chosen."""
        i = self._check_index(index)
        self._require_gt()
        return self._fixation_cache.get(i, self._read_fixations)

    def _read_fixations(self, index: int) -> np.ndarray:
        if self.fixation_source == "mat":
            path = self._fixation_mats[index]  # type: ignore[index]
            return self._check_shape(read_fixation_mat(path), str(path), index)
        path = self._fixations[index]  # type: ignore[index]
        return self._check_shape(read_grey(path) > 0, str(path), index)

    def fixation_disagreements(self, index: int) -> int:
        """Pixels where the PNG and the ``.mat`` fixations of frame ``index`` differ (validation mode).

        The source in use comes from the cache; only the other one is read."""
        i = self._check_index(index)
        self._require_gt()
        if self._fixation_mats is None or self._fixations is None:
            return 0
        in_use = self.fixations(i)
        if self.fixation_source == "mat":
            other_path = self._fixations[i]
            other = read_grey(other_path) > 0
        else:
            other_path = self._fixation_mats[i]
            other = read_fixation_mat(other_path)
        if other.shape != in_use.shape:
            raise DatasetError(f"{other_path} has size {other.shape} but the frame's other fixation file has "
                               f"{in_use.shape}")
        return int(np.count_nonzero(in_use != other))
