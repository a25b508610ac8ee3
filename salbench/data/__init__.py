"""Saliency datasets on disk: DHF1K, Hollywood-2, UCF-Sports, a generic folder layout, and synthetic look-alikes.

>>> from salbench import data
>>> ds = data.open_dataset("dhf1k", "/data/DHF1K", "val")
>>> v = ds["0601"]; v.frame(0).shape, v.gt_map(0).dtype, v.fixations(0).sum()

Layouts, splits and counts come from the dataset cards in the top-level ``datasets/`` folder; every layout
problem raises :class:`DatasetError` naming the path. See ``../shared/specs/datasets.md``.
"""

from __future__ import annotations

from pathlib import Path

from .aclnet import open_hollywood2, open_ucf_sports
from .cards import DatasetCard, SplitCard, list_cards, load_card
from .dataset import Dataset
from .dhf1k import open_dhf1k
from .errors import DatasetError
from .folder import open_folder
from .synthetic import make_synthetic
from .video import Video

_LOADERS = {"dhf1k": open_dhf1k, "synthetic": open_dhf1k, "hollywood2": open_hollywood2,
            "ucf_sports": open_ucf_sports}


def list_datasets() -> list[str]:
    """Names accepted by :func:`open_dataset`."""
    return sorted(set(_LOADERS) | {"folder"})


def open_dataset(name: str, root: str | Path, split: str, **options: object) -> Dataset:
    """Open split ``split`` of dataset ``name`` stored at ``root``.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`: ``"dhf1k"``, ``"hollywood2"``, ``"ucf_sports"``, ``"synthetic"`` (a tree
        written by :func:`make_synthetic` in the DHF1K layout) or ``"folder"``
        (``<root>/<video>/{images,maps,fixation}``).
    root : path
        The dataset's top folder, as downloaded.
    split : str
        ``"train"``, ``"val"`` or ``"test"``, as the dataset's card defines them; an undefined split raises
        :class:`DatasetError` (a ``ValueError``) listing the card's splits.
    **options
        ``fixations="auto" | "png" | "mat"`` for all ("auto", the default, prefers ``fixation/maps/*.mat``
        when present, as the official evaluation does); ``layout=`` for DHF1K; ``fps=`` for ``"folder"``;
        ``errors="raise" | "collect"`` (leave broken videos out, listed in ``dataset.problems``).
    """
    if name == "folder":
        return open_folder(Path(root), split, **options)
    if name not in _LOADERS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {list_datasets()}")
    return _LOADERS[name](load_card(name), Path(root), split, **options)


__all__ = ["Dataset", "DatasetCard", "DatasetError", "SplitCard", "Video", "list_cards", "list_datasets",
           "load_card", "make_synthetic", "open_dataset"]
