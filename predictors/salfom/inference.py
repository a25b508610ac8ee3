"""SalFoM's reference test-time pipeline (``../shared/specs/protocol.md`` section 8, ``salfom.md`` section 6).

For frame k of a video the clip is frames ``max(0, k - 15 + j)``, j = 0..15 (the first frame replicated in front);
each frame is resized to 224 x 224 with PIL's bilinear filter, scaled to [0, 1] and ImageNet-normalised; the
network's sigmoid map is resized back to the frame size with ``cv2.resize`` (INTER_LINEAR), blurred with
``cv2.GaussianBlur`` (11 x 11, sigma 2), min-max normalised and quantised as the reference writes its PNGs.

Every frame is decoded and preprocessed once and reused by the 16 windows that contain it; ``batch_size``
consecutive windows go through the network together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import torch
from PIL import Image

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
WINDOW = 16
_MEAN = torch.tensor(IMAGENET_MEAN, dtype=torch.float32)[:, None, None]
_STD = torch.tensor(IMAGENET_STD, dtype=torch.float32)[:, None, None]
BLUR_KERNEL = 11


def window_indices(frame: int, window: int = WINDOW) -> list[int]:
    """The frames of the causal clip that predicts ``frame``: ``max(0, frame - window + 1 + j)``, oldest first."""
    return [max(0, frame - window + 1 + j) for j in range(window)]


def preprocess_frame(rgb: np.ndarray, size: int) -> torch.Tensor:
    """An RGB uint8 frame as the reference feeds it: PIL bilinear resize to size x size (antialiased when
    shrinking), ``/255`` and ImageNet normalisation in float32, as torchvision's ToTensor + Normalize; (3, S, S)."""
    resized = Image.fromarray(np.ascontiguousarray(rgb)).resize((size, size), Image.BILINEAR)
    tensor = torch.from_numpy(np.asarray(resized, dtype=np.uint8).copy()).permute(2, 0, 1).float().div(255)
    return tensor.sub_(_MEAN).div_(_STD)


def to_frame_size(saliency: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The network map resized to (H, W) with ``cv2.resize`` INTER_LINEAR and blurred with
    ``cv2.GaussianBlur((11, 11), 0)`` (sigma 2.0, reflect-101 border), float32."""
    height, width = size
    resized = cv2.resize(np.asarray(saliency, dtype=np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(resized, (BLUR_KERNEL, BLUR_KERNEL), 0)


def quantize_reference(blurred: np.ndarray) -> np.ndarray:
    """The 8-bit levels the reference writes (torchvision ``make_grid(normalize=True)``, then
    ``round(clamp(255 x + 0.5, 0, 255))`` with round half to even), as float32 values 0..255."""
    x = torch.from_numpy(np.asarray(blurred, dtype=np.float32))
    low, high = float(x.min()), float(x.max())
    x = x.clamp(min=low, max=high).sub(low).div(max(high - low, 1e-5))
    return x.mul(255).add(0.5).clamp(0, 255).round().numpy()


def postprocess(saliency: np.ndarray, size: tuple[int, int], mode: str) -> np.ndarray:
    """``"reference"``: :func:`quantize_reference` of the blurred map; ``"float"``: the blurred map itself."""
    blurred = to_frame_size(saliency, size)
    return quantize_reference(blurred) if mode == "reference" else blurred


def batched_windows(n_frames: int, batch_size: int) -> Iterator[list[int]]:
    """Target frames grouped ``batch_size`` at a time, in order."""
    for start in range(0, n_frames, batch_size):
        yield list(range(start, min(n_frames, start + batch_size)))


class FrameStore:
    """Preprocessed frames of one video, each computed once and dropped when no later window needs it."""

    def __init__(self, video, size: int) -> None:
        self.video = video
        self.size = size
        self._items: dict[int, torch.Tensor] = {}

    def clips(self, targets: Sequence[int]) -> torch.Tensor:
        """The clips predicting ``targets``, (B, 3, 16, S, S)."""
        needed = sorted({i for t in targets for i in window_indices(t)})
        for i in needed:
            if i not in self._items:
                self._items[i] = preprocess_frame(self.video.frame(i), self.size)
        clips = torch.stack([torch.stack([self._items[i] for i in window_indices(t)], dim=1) for t in targets])
        oldest_needed_later = max(0, targets[-1] + 1 - WINDOW + 1)  # the next window's first frame
        for i in [i for i in self._items if i < oldest_needed_later]:
            del self._items[i]
        return clips
