"""Listing image files the way every loader must: regular files only, sorted numerically where numbers differ."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import DatasetError

MAP_EXTENSIONS = frozenset({".png"})
FRAME_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg"})

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """Sort key that compares runs of digits as numbers: ``a_9`` < ``a_10``, ``9.png`` < ``10.png``."""
    parts = _DIGITS.split(name)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)) + (name,)


def list_images(folder: Path, extensions: frozenset[str] = MAP_EXTENSIONS) -> list[Path]:
    """Image files directly in ``folder`` (no sub-folders, no hidden files), in natural sort order.

    Raises :class:`DatasetError` naming ``folder`` when it does not exist or is not a folder.
    """
    if not folder.is_dir():
        raise DatasetError(f"missing folder: {folder}")
    files = [
        entry for entry in folder.iterdir()
        if not entry.name.startswith(".") and entry.suffix.lower() in extensions and entry.is_file()
    ]
    return sorted(files, key=lambda p: natural_key(p.name))


def list_subfolders(folder: Path) -> list[Path]:
    """Visible sub-folders of ``folder`` in natural sort order (empty when ``folder`` does not exist)."""
    if not folder.is_dir():
        return []
    return sorted((e for e in folder.iterdir() if e.is_dir() and not e.name.startswith(".")),
                  key=lambda p: natural_key(p.name))
