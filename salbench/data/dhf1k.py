"""DHF1K (Wang et al., CVPR 2018): the official ``annotation/`` layout, the ``train|val|test/`` split layout
of ViNet/TMFI-Net, and frames decoded from ``video/NNN.AVI`` when a video has no ``images/`` folder.

Split membership comes from the video id and the card's id ranges, never from the folder a video sits in.
"""

from __future__ import annotations

from pathlib import Path

from .cards import DatasetCard
from .dataset import Dataset, VideoCollector
from .errors import DatasetError
from .listing import list_subfolders

LAYOUTS = ("official", "split", "raw-video")
_ANNOTATION_PLACES = {"official": ("annotation",), "split": ("train", "val", "test")}


def _annotation_folders(root: Path, layout: str | None) -> dict[int, Path]:
    places = _ANNOTATION_PLACES.get(layout or "", ()) or ("annotation", "train", "val", "test")
    found: dict[int, Path] = {}
    for place in places:
        for folder in list_subfolders(root / place):
            if not (folder.name.isdigit() and len(folder.name) == 4):
                continue  # e.g. a stray folder: not a DHF1K video
            video_id = int(folder.name)
            if video_id in found:
                raise DatasetError(f"video {folder.name} found twice: {found[video_id]} and {folder} (ambiguous copy)")
            found[video_id] = folder
    return found


def _video_files(root: Path) -> dict[int, Path]:
    folder = root / "video"
    if not folder.is_dir():
        return {}
    out = {}
    for entry in folder.iterdir():
        if entry.is_file() and entry.suffix.lower() == ".avi" and entry.stem.isdigit():
            out[int(entry.stem)] = entry
    return out


def open_dhf1k(card: DatasetCard, root: Path, split: str, *, layout: str | None = None,
               fixations: str = "auto", errors: str = "raise") -> Dataset:
    """Open a DHF1K copy (or a synthetic look-alike) at ``root``; see the module docstring for the layouts.

    Parameters
    ----------
    layout : {"official", "split", "raw-video"} or None
        None auto-detects. "raw-video" takes frames from ``video/NNN.AVI`` even where ``images/`` exists.
    fixations : {"auto", "png", "mat"}
        Read fixations from ``fixation/maps/NNNN.mat`` (variable ``I``, what the official MATLAB evaluation
        reads) or ``fixation/NNNN.png > 0``; "auto" prefers the ``.mat`` files when they exist.
    errors : {"raise", "collect"}
        Stop at the first broken video, or leave broken videos out and list them in ``dataset.problems``.
    """
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"unknown DHF1K layout {layout!r}; choose one of {list(LAYOUTS)}")
    split_card = card.split(split)
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"missing dataset root folder: {root}")
    folders = _annotation_folders(root, layout)
    videos_files = _video_files(root)
    ids = sorted(i for i in set(folders) | set(videos_files) if split_card.contains(i))
    if not ids:
        low, high = split_card.ids
        raise DatasetError(
            f"no video of split {split!r} (ids {low:04d}-{high:04d}) under {root}: expected annotation/NNNN/, "
            f"{split}/NNNN/ (with images/, maps/, fixation/) or video/NNN.AVI"
        )
    collector = VideoCollector(errors)
    for video_id in ids:
        name = f"{video_id:04d}"
        folder = folders.get(video_id)
        if folder is None and split_card.has_gt:
            problem = (f"video {name}: {videos_files[video_id]} exists but its annotation folder "
                       f"(annotation/{name}/ or {split}/{name}/ with maps/ and fixation/) is missing")
            if errors == "raise":
                raise DatasetError(problem)
            collector.problems.append(problem)
            continue
        collector.add(folder=folder or root / "annotation" / name, name=name, split=split, fps=card.fps,
                      has_gt=split_card.has_gt, fixation_source=fixations, video_file=videos_files.get(video_id),
                      prefer_video_file=layout == "raw-video")
    detected = layout or ("split" if any(f.parent.name in ("train", "val", "test") for f in folders.values())
                          else "official")
    return Dataset(card, root, split, collector.videos, detected, collector.problems)
