"""The ``salfom`` and ``salfom_tiny`` predictors: the SalFoM network behind the reference inference protocol."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .config import OFFICIAL, TINY, SalFoMConfig
from .inference import FrameStore, batched_windows, postprocess
from .model import SalFoM
from .weights import load_salfom_weights, seeded_state_dict, sha256_file

log = logging.getLogger("salbench")

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
SEEDED = "seeded"


def resolve_device(device: str) -> torch.device:
    """``"auto"``: the GPU of this process (``cuda:$LOCAL_RANK`` under torchrun) when CUDA is available, else the
    CPU; any other value is passed to ``torch.device``."""
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
        return torch.device("cpu")
    return torch.device(device)


def _identity(path: Path) -> tuple[int, int, int]:
    """(inode, size, mtime) of a file: unchanged means the SHA-256 computed earlier still holds."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class SalFoMPredictor:
    """SalFoM with the reference test-time protocol (16-frame causal windows, first frame replicated, 224 px
    input, bilinear back to the frame size, 11x11 blur, 8-bit quantisation as the reference PNGs).

    Parameters
    ----------
    weights : path or "seeded"
        An official-format SalFoM checkpoint (loaded strictly, ``weights_only=True``), or ``"seeded"``: the
        deterministic weights of :func:`~predictors.salfom.weights.seeded_state_dict` (tests and demos only).
    sha256 : str, optional
        Pin the checkpoint's SHA-256.
    device : str
        ``"auto"`` (CUDA when available, the torchrun local rank's GPU), ``"cpu"``, ``"cuda:1"``, ...
    dtype : {"float32", "bfloat16", "float16"}
        Precision of the forward (16-bit via autocast: softmax and LayerNorm stay float32).
    attention : {"sdpa", "math"}
        ``"sdpa"`` (default): ``scaled_dot_product_attention``; ``"math"``: the official explicit softmax.
    batch_size : int
        Windows per forward (a runtime option; not part of the cache key).
    postprocess : {"reference", "float"}
        8-bit levels as the reference PNGs (default) or the blurred float map.
    compile : bool
        ``torch.compile`` the network (CUDA only; ignored on the CPU).
    """

    name = "salfom"

    def __init__(self, weights: str | Path | None = None, *, sha256: str | None = None, device: str = "auto",
                 dtype: str = "float32", attention: str = "sdpa", batch_size: int = 1,
                 postprocess: str = "reference", compile: bool = False, architecture: SalFoMConfig = OFFICIAL,
                 name: str = "salfom") -> None:
        if weights is None:
            raise ValueError(f"{name} needs its weights: --predictor {name}:weights=/path/to/SalFoM_DHF1K.pth "
                             f"(the official DHF1K checkpoint; see the README)")
        if dtype not in DTYPES:
            raise ValueError(f"{name}: dtype must be one of {list(DTYPES)}, got {dtype!r}")
        if attention not in ("sdpa", "math"):
            raise ValueError(f"{name}: attention must be 'sdpa' or 'math', got {attention!r}")
        if postprocess not in ("reference", "float"):
            raise ValueError(f"{name}: postprocess must be 'reference' or 'float', got {postprocess!r}")
        if batch_size < 1:
            raise ValueError(f"{name}: batch_size must be >= 1, got {batch_size}")
        self.name = name
        self.architecture = architecture
        self.weights = weights if weights == SEEDED else Path(weights).expanduser()
        if self.weights == SEEDED:
            self.weights_sha256 = None
        else:
            if not self.weights.is_file():
                raise ValueError(f"{name}: no weights file {self.weights}")
            self._hashed_stat = _identity(self.weights)
            self.weights_sha256 = sha256_file(self.weights)
            if sha256 is not None and self.weights_sha256 != sha256.lower():
                raise ValueError(f"{name}: {self.weights} has SHA-256 {self.weights_sha256}, expected {sha256}")
        self.device = resolve_device(device)
        self.dtype = dtype
        self.batch_size = int(batch_size)
        self.compile = bool(compile)
        self.config = {"weights": SEEDED if self.weights == SEEDED else "file", "postprocess": postprocess,
                       "precision": dtype, "attention": attention, "window": 16, "pad": "replicate_first",
                       "input_resize": "pil_bilinear", "output_resize": "cv2_linear", "blur": [11, 2.0],
                       "architecture": architecture.to_dict(), "device_type": self.device.type}
        self._network: torch.nn.Module | None = None

    def network(self) -> torch.nn.Module:
        """The network, built and loaded at the first call (constructing the predictor stays cheap)."""
        if self._network is None:
            model = SalFoM(self.architecture, attention=self.config["attention"])
            if self.weights == SEEDED:
                model.load_state_dict(seeded_state_dict(model), strict=True)
            else:
                # hashed at construction: not again unless the file changed since (then it must match)
                unchanged = _identity(self.weights) == self._hashed_stat
                load_salfom_weights(model, self.weights, self.weights_sha256,
                                    digest=self.weights_sha256 if unchanged else None)
            model = model.eval().to(self.device)
            if self.compile and self.device.type == "cuda":
                model = torch.compile(model)
            self._network = model
        return self._network

    def _autocast(self):
        if self.dtype == "float32":
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=DTYPES[self.dtype])

    def predict_clips(self, clips: torch.Tensor) -> np.ndarray:
        """Network maps (B, S, S) float32 for clips (B, 3, 16, S, S)."""
        network = self.network()
        with torch.inference_mode(), self._autocast():
            maps = network(clips.to(self.device, non_blocking=True))
        return maps.float().cpu().numpy()

    def predict_video(self, video: Any) -> Iterator[np.ndarray]:
        store = FrameStore(video, self.architecture.img_size)
        size = video.size
        for targets in batched_windows(len(video), self.batch_size):
            for saliency in self.predict_clips(store.clips(targets)):
                yield postprocess(saliency, size, self.config["postprocess"])


def make_salfom(**kwargs: Any) -> SalFoMPredictor:
    """The official SalFoM (UMT ViT-L/16, 16 x 224 x 224 clips); ``weights=`` the DHF1K checkpoint."""
    return SalFoMPredictor(architecture=OFFICIAL, name="salfom", **kwargs)


def make_salfom_tiny(**kwargs: Any) -> SalFoMPredictor:
    """SalFoM's topology at toy sizes (16 x 64 x 64 clips) with seeded weights unless ``weights=`` is given:
    exercises the whole pipeline on a CPU in seconds. Its maps mean nothing."""
    kwargs.setdefault("weights", SEEDED)
    kwargs.setdefault("device", "cpu")
    return SalFoMPredictor(architecture=TINY, name="salfom_tiny", **kwargs)
