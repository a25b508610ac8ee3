"""Shared inputs of the speed benchmarks: a DHF1K-like 360x640 frame (see salbench.selfcheck.benchmark_frame)."""

import pytest

from salbench.selfcheck import benchmark_frame


@pytest.fixture(scope="session")
def frame():
    """(pred uint8, gt_map uint8, fixations ~40 px, other ~400 px) at 360x640, as DHF1K's 8-bit PNGs give."""
    return benchmark_frame()


@pytest.fixture(scope="session")
def float_frame(frame):
    """The same frame with a float64 prediction and GT map (no 8-bit fast paths)."""
    pred, gt_map, fixations, other = frame
    return pred.astype(float) / 255, gt_map.astype(float) / 255, fixations, other
