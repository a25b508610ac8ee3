"""Reading frames, maps and fixation files, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.io
from PIL import Image, UnidentifiedImageError

from .errors import DatasetError


def _open(path: Path) -> Image.Image:
    try:
        with Image.open(path) as img:
            img.load()
            return img
    except FileNotFoundError:
        raise DatasetError(f"missing file: {path}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise DatasetError(f"unreadable image {path}: {err}") from None


def read_rgb(path: Path) -> np.ndarray:
    """An image as uint8 (H, W, 3) RGB (greyscale and palette images are expanded)."""
    img = _open(path)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img, dtype=np.uint8)


def read_grey(path: Path) -> np.ndarray:
    """An 8-bit image as uint8 (H, W); colour images are converted to luma (ITU-R 601), like MATLAB's rgb2gray."""
    img = _open(path)
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        raise DatasetError(f"{path} is not an 8-bit image (mode {img.mode}); saliency maps are 8-bit PNGs")
    if img.mode != "L":
        img = img.convert("L")
    return np.asarray(img, dtype=np.uint8)


def image_size(path: Path) -> tuple[int, int]:
    """(H, W) of an image from its header, without decoding the pixels."""
    try:
        with Image.open(path) as img:
            width, height = img.size
    except FileNotFoundError:
        raise DatasetError(f"missing file: {path}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise DatasetError(f"unreadable image {path}: {err}") from None
    return height, width


def read_fixation_mat(path: Path) -> np.ndarray:
    """The binary fixation map of a MATLAB ``.mat`` file (variable ``I``) as bool (H, W)."""
    try:
        content = scipy.io.loadmat(path, variable_names=["I"])
    except FileNotFoundError:
        raise DatasetError(f"missing file: {path}") from None
    except Exception as err:  # scipy raises several types for corrupt files
        raise DatasetError(f"unreadable .mat file {path}: {err}") from None
    if "I" not in content:
        raise DatasetError(f"{path} has no variable 'I' (the fixation map of the DHF1K/ACLNet releases)")
    fix = np.asarray(content["I"])
    if fix.ndim != 2:
        raise DatasetError(f"{path}: variable 'I' has shape {fix.shape}, expected a 2-D (H, W) map")
    return fix > 0
