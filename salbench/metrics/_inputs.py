"""Input validation and random-stream handling shared by every metric (metrics.md sections 1.1 and 11)."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Union

import numpy as np

from . import _kernels as K
from . import _kernels_8bit as K8

RngLike = Union[None, int, np.integer, np.random.Generator]

_SCRATCH = threading.local()


class MapStats:
    """A validated saliency map, flat in C order, with its minimum, maximum and sum.

    float64 maps are used as they are. An 8-bit (uint8) map keeps its codes and its level histogram, from
    which its statistics come; its float64 values (``flat``) are made only when a kernel needs them, in a
    reused per-thread buffer named by ``slot``.
    """

    def __init__(self, values: np.ndarray, shape: tuple[int, int], slot: str) -> None:
        self.shape = shape
        self.size = values.size
        self._slot = slot
        if values.dtype == np.uint8:
            self.codes: np.ndarray | None = values
            self.histogram: np.ndarray | None = K8.level_histogram(values)
            mn, mx, total = K8.histogram_stats(self.histogram)
        else:
            self.codes = self.histogram = None
            self.__dict__["flat"] = values
            mn, mx, total = K.min_max_sum(values)
        self.min, self.max, self.sum = float(mn), float(mx), float(total)

    @cached_property
    def flat(self) -> np.ndarray:
        """The values as flat float64 (for an 8-bit map: converted exactly into a reused buffer)."""
        buf = scratch(self.size, self._slot)
        buf[:] = self.codes
        return buf

    @property
    def constant(self) -> bool:
        """A map is constant iff max == min (tested exactly, not as std == 0)."""
        return self.max == self.min

    @property
    def all_zero(self) -> bool:
        return self.min == 0.0 and self.max == 0.0

    @property
    def mean(self) -> float:
        return self.sum / self.size

    @cached_property
    def sum_sq_dev(self) -> float:
        """``sum((x - mean)^2)``, computed once (cc and nss both need it)."""
        if self.histogram is not None:
            return float(K8.histogram_sum_sq_dev(self.histogram, self.mean))
        return float(K.sum_sq_dev(self.flat, self.mean))

    def std(self) -> float:
        """Sample standard deviation (ddof = 1), two-pass."""
        return float(np.sqrt(self.sum_sq_dev / (self.size - 1)))


def _check_2d(arr: np.ndarray, name: str) -> None:
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (H, W), got {arr.ndim}-D shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")


def check_same_shape(ref_name: str, ref_shape: tuple, name: str, shape: tuple) -> None:
    """Raise ``ValueError`` naming both shapes when they differ (no implicit resize)."""
    if tuple(shape) != tuple(ref_shape):
        raise ValueError(
            f"shape mismatch: {ref_name} has shape {tuple(ref_shape)} but {name} has shape {tuple(shape)}; "
            "resize explicitly with salbench.metrics.imresize"
        )


def map_stats(x: object, name: str) -> MapStats:
    """Validate a 2-D real map and take its statistics; values count as float64 by value (uint8 stays 0..255).

    ``name`` names the map in error messages and its scratch buffer.
    """
    arr = np.asarray(x)
    _check_2d(arr, name)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype == np.uint8:
        return MapStats(np.ascontiguousarray(arr).reshape(-1), arr.shape, name)
    flat = np.ascontiguousarray(arr, dtype=np.float64).reshape(-1)
    stats = MapStats(flat, arr.shape, name)
    if not np.isfinite(stats.sum) and not np.isfinite(flat).all():
        bad = np.flatnonzero(~np.isfinite(flat))
        row, col = np.unravel_index(bad[0], arr.shape)
        raise ValueError(
            f"{name} contains {bad.size} non-finite value(s) (NaN or inf), the first at (row {row}, col {col})"
        )
    return stats


def scratch(n: int, slot: str) -> np.ndarray:
    """A per-thread reusable float64 buffer of length ``n`` for ``slot`` (avoids a fresh, page-faulted array
    per frame). Valid until the next request of the same slot on the same thread; internal only."""
    buffers = _SCRATCH.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.size < n:
        buf = np.empty(n, dtype=np.float64)
        buffers[slot] = buf
    return buf[:n]


def fixation_indices(fix: object, name: str, shape: tuple[int, int], ref_name: str = "pred") -> np.ndarray:
    """Flat C-order indices (ascending) of the non-zero pixels of a fixation map; each pixel counts once."""
    arr = np.asarray(fix)
    _check_2d(arr, name)
    check_same_shape(ref_name, shape, name, arr.shape)
    if arr.dtype.kind == "b":
        return np.flatnonzero(arr)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a bool or numeric map, got dtype {arr.dtype}")
    if arr.dtype.kind in "if" and not (arr >= 0).all():  # False for NaN too
        n_bad = int(np.count_nonzero(~(arr >= 0)))
        raise ValueError(f"{name} has {n_bad} negative or NaN value(s); a fixation map is non-zero where fixated")
    return np.flatnonzero(arr)


def as_generator(rng: RngLike) -> np.random.Generator:
    """``None`` -> a fresh default generator, an int -> ``default_rng(int)``, a Generator -> itself."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}")


def spawn_generators(rng: RngLike, n: int) -> list[np.random.Generator]:
    """Independent child streams: ``SeedSequence(rng).spawn(n)`` for None/int, ``rng.spawn(n)`` for a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng.spawn(n)
    as_generator(rng)  # type check with the same message
    seed = None if rng is None else int(rng)
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(n)]
