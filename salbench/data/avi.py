"""Frames decoded from a video file with PyAV (FFmpeg), and lossless writing for the synthetic datasets.

Sequential access (frame 0, 1, 2, ...) keeps one decoder open and never re-decodes from the start; going back
reopens the file and decodes forward to the requested frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from .errors import DatasetError


def _av():
    try:
        import av
    except ImportError:  # pragma: no cover - av is a declared dependency
        raise DatasetError("reading video files needs PyAV: pip install av") from None
    return av


class VideoFileFrames:
    """RGB frames of a video file (e.g. DHF1K's ``video/NNN.AVI``), decoded in stream order."""

    kind = "pyav"

    def __init__(self, path: Path) -> None:
        self.location = Path(path)
        if not self.location.is_file():
            raise DatasetError(f"missing video file: {self.location}")
        self._count: int | None = None
        self._container = None
        self._decoder: Iterator | None = None
        self._next = 0

    def _open(self) -> None:
        self.close()
        try:
            self._container = _av().open(str(self.location))
            stream = self._container.streams.video[0]
        except Exception as err:
            raise DatasetError(f"unreadable video file {self.location}: {err}") from None
        self._decoder = self._container.decode(stream)
        self._next = 0

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = None
        self._decoder = None

    def __len__(self) -> int:
        if self._count is None:
            count = 0
            self._open()
            try:
                for _ in self._decoder:
                    count += 1
            except Exception as err:
                raise DatasetError(f"cannot decode {self.location} after frame {count}: {err}") from None
            self._count = count
            self.close()
        return self._count

    def read(self, index: int) -> np.ndarray:
        if self._decoder is None or index < self._next:
            self._open()
        try:
            while True:
                frame = next(self._decoder)
                self._next += 1
                if self._next - 1 == index:
                    return frame.to_ndarray(format="rgb24")
        except StopIteration:
            raise DatasetError(f"{self.location} has only {self._next} frames; frame {index} was asked for") from None
        except DatasetError:
            raise
        except Exception as err:
            raise DatasetError(f"cannot decode frame {index} of {self.location}: {err}") from None

    def describe(self, index: int) -> str:
        return f"{self.location} (decoded frame {index})"


def write_lossless_video(path: Path, frames: Sequence[np.ndarray], fps: float = 30.0) -> None:
    """Write RGB uint8 frames to an AVI that decodes back bit for bit (FFV1, bgr0; else rawvideo bgr24)."""
    av = _av()
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = frames[0].shape[:2]
    for codec, pix_fmt in (("ffv1", "bgr0"), ("rawvideo", "bgr24")):
        try:
            container = av.open(str(path), "w")
            stream = container.add_stream(codec, rate=int(round(fps)))
        except Exception:  # codec not built into this FFmpeg
            continue
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        container.close()
        return
    raise DatasetError(f"no lossless video codec (ffv1, rawvideo) available to write {path}")
