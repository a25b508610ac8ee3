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


def _open_clip_folders(card: DatasetCard, root: Path, split: str, pattern: re.Pattern, example: str,
                       describe, layout: str, fixations: str, errors: str) -> Dataset:
    """One :class:`Video` per folder of the split's folder, in natural order (so ``_10`` follows ``_9``);
    a folder not named like ``example`` is a :class:`DatasetError`. ``describe(match)`` gives the video's
    ``group``/``category``."""
    split_card = card.split(split)
    base = Path(root) / split_card.folder
    if not base.is_dir():
        raise DatasetError(f"missing folder {base} (split {split!r} of {card.id} lives in {split_card.folder}/)")
    folders = list_subfolders(base)
    if not folders:
        raise DatasetError(f"no {example}-style folders in {base}")
    collector = VideoCollector(errors)
    for folder in folders:
        match = pattern.match(folder.name)
        if match is None:
            raise DatasetError(f"unexpected folder {folder}: {card.name} folders are named like {example}")
        collector.add(folder=folder, name=folder.name, split=split, fps=card.fps, has_gt=split_card.has_gt,
                      fixation_source=fixations, **describe(match))
    return Dataset(card, Path(root), split, collector.videos, layout, collector.problems)


def open_hollywood2(card: DatasetCard, root: Path, split: str, *, fixations: str = "auto",
                    errors: str = "raise") -> Dataset:
    """One :class:`Video` per shot folder, ordered by (clip number, shot number); ``group`` is the clip."""
    return _open_clip_folders(card, root, split, _HOLLYWOOD_SHOT, "actioncliptest00001_1",
                              lambda m: {"group": f"actionclip{m[1]}{m[2]}"}, "hollywood2", fixations, errors)


def open_ucf_sports(card: DatasetCard, root: Path, split: str, *, fixations: str = "auto",
                    errors: str = "raise") -> Dataset:
    """One :class:`Video` per ``<Class>-<NNN>`` folder, in natural order; ``category`` is the class."""
    return _open_clip_folders(card, root, split, _UCF_CLIP, "Diving-Side-001", lambda m: {"category": m[1]},
                              "ucf_sports", fixations, errors)
