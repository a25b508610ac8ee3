"""A generic layout for any other dataset: ``<root>/<video>/{images,maps,fixation}`` (optionally one level
down in ``<root>/<split>/``). Videos without ``maps/`` have no ground truth."""

from __future__ import annotations

from pathlib import Path

from .cards import DatasetCard, SplitCard
from .dataset import Dataset, VideoCollector
from .errors import DatasetError
from .listing import list_subfolders


def folder_card(fps: float) -> DatasetCard:
    """The card of a generic folder dataset (nothing is known about it but the frame rate the user gives)."""
    splits = {name: SplitCard(name=name, has_gt=True, folder=name) for name in ("train", "val", "test")}
    return DatasetCard(id="folder", name="generic folder dataset", description="<root>/<video>/{images,maps,fixation}",
                       layouts=("folder",), fps=fps, licence="unknown", redistributable=False, citation="",
                       splits=splits)


def open_folder(root: Path, split: str, *, fps: float = 30.0, fixations: str = "auto",
                errors: str = "raise") -> Dataset:
    """Open ``root/<split>/<video>/...`` if ``root/<split>`` exists, else ``root/<video>/...``."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"missing dataset root folder: {root}")
    card = folder_card(fps)
    card.split(split)
    base = root / split if (root / split).is_dir() else root
    folders = [f for f in list_subfolders(base) if (f / "maps").is_dir() or (f / "images").is_dir()]
    if not folders:
        raise DatasetError(f"no video folders in {base}: expected <video>/images/, <video>/maps/, <video>/fixation/")
    collector = VideoCollector(errors)
    for folder in folders:
        collector.add(folder=folder, name=folder.name, split=split, fps=fps, has_gt=(folder / "maps").is_dir(),
                      fixation_source=fixations)
    return Dataset(card, root, split, collector.videos, "folder", collector.problems)
