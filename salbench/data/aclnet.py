"""Hollywood-2 and UCF-Sports as released with ACLNet: ``training/`` and ``testing/`` with one folder per
Hollywood-2 shot (``actioncliptest00001_1``) or UCF-Sports clip (``Diving-Side-001``), each holding
``images/``, ``maps/``, ``fixation/`` and ``fixation/maps/``.

File names are never computed (Hollywood-2 frame numbers start anywhere and have gaps): each folder is listed
and sorted, and frame i is the i-th file.
"""

from __future__ import annotations

import re
from pathlib import Path

from .cards import DatasetCard
from .dataset import Dataset, VideoCollector
from .errors import DatasetError
from .listing import list_subfolders

_HOLLYWOOD_SHOT = re.compile(r"^actionclip(train|test)(\d{5})_(\d+)$")
_UCF_CLIP = re.compile(r"^(.+)-(\d{3})$")


def _split_folder(card: DatasetCard, root: Path, split: str) -> Path:
    split_card = card.split(split)
    base = Path(root) / split_card.folder
    if not base.is_dir():
        raise DatasetError(f"missing folder {base} (split {split!r} of {card.id} lives in {split_card.folder}/)")
    return base


def open_hollywood2(card: DatasetCard, root: Path, split: str, *, fixations: str = "auto",
                    errors: str = "raise") -> Dataset:
    """One :class:`Video` per shot folder, ordered by (clip number, shot number); ``group`` is the clip."""
    base = _split_folder(card, root, split)
    shots = []
    for folder in list_subfolders(base):
        match = _HOLLYWOOD_SHOT.match(folder.name)
        if match is None:
            raise DatasetError(f"unexpected folder {folder}: Hollywood-2 shot folders are named like "
                               f"actioncliptest00001_1")
        shots.append(((int(match[2]), int(match[3])), folder, f"actionclip{match[1]}{match[2]}"))
    if not shots:
        raise DatasetError(f"no shot folders in {base}")
    shots.sort(key=lambda item: item[0])
    collector = VideoCollector(errors)
    for _, folder, clip in shots:
        collector.add(folder=folder, name=folder.name, split=split, fps=card.fps, has_gt=card.split(split).has_gt,
                      fixation_source=fixations, group=clip)
    return Dataset(card, Path(root), split, collector.videos, "hollywood2", collector.problems)


def open_ucf_sports(card: DatasetCard, root: Path, split: str, *, fixations: str = "auto",
                    errors: str = "raise") -> Dataset:
    """One :class:`Video` per ``<Class>-<NNN>`` folder, in natural order; ``category`` is the class."""
    base = _split_folder(card, root, split)
    collector = VideoCollector(errors)
    folders = list_subfolders(base)
    if not folders:
        raise DatasetError(f"no clip folders in {base}")
    for folder in folders:
        match = _UCF_CLIP.match(folder.name)
        if match is None:
            raise DatasetError(f"unexpected folder {folder}: UCF-Sports clip folders are named like Diving-Side-001")
        collector.add(folder=folder, name=folder.name, split=split, fps=card.fps, has_gt=card.split(split).has_gt,
                      fixation_source=fixations, category=match[1])
    return Dataset(card, Path(root), split, collector.videos, "ucf_sports", collector.problems)
