"""Validation of a local dataset copy against its card (``salbench check-dataset``).

Counts videos, shots and frames per split and compares them with the card; with ``decode=True`` it also reads
every frame, GT map and fixation file, and compares the fixation PNGs with the ``.mat`` files. Every problem
names the path it concerns; a damaged copy is reported, never fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from . import open_dataset
from .cards import DatasetCard, SplitCard, load_card
from .errors import DatasetError
from .synthetic import MANIFEST
from .video import Video

MAX_PROBLEMS_PER_VIDEO = 5


@dataclass
class SplitReport:
    """What was found in one split, against what the card states (None: the card does not say)."""

    split: str
    videos: int = 0
    expected_videos: int | None = None
    shots: int | None = None
    expected_shots: int | None = None
    frames: int = 0
    expected_frames: int | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    dataset: str
    root: Path
    splits: list[SplitReport]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.splits)

    @property
    def problems(self) -> list[str]:
        return [p for s in self.splits for p in s.problems]


def _check_video(video: Video, decode: bool, report: SplitReport, bar: tqdm) -> None:
    found = []
    for i in range(len(video)):
        bar.update(1)
        if not decode or len(found) >= MAX_PROBLEMS_PER_VIDEO:
            continue
        try:
            if video.has_frames:
                video.frame(i)
            if video.has_gt:
                video.gt_map_uint8(i)
                video.fixations(i)
                differing = video.fixation_disagreements(i)
                if differing:
                    found.append(f"video {video.name}, frame {i}: fixation PNG and .mat differ at {differing} "
                                 f"pixel(s) ({video.location}/fixation)")
        except DatasetError as err:
            found.append(str(err))
    if len(found) >= MAX_PROBLEMS_PER_VIDEO:
        found.append(f"video {video.name}: stopped after {MAX_PROBLEMS_PER_VIDEO} problems")
    report.problems.extend(found)


def _compare(report: SplitReport, what: str, found: int, expected: int | None, accepted: Iterable[int] = ()) -> None:
    if expected is None or found == expected:
        return
    message = f"split {report.split}: {found} {what} found, the card says {expected}"
    if found in accepted:
        report.warnings.append(message + " (a known variant of the release)")
    else:
        report.problems.append(message)


def _expected_from_manifest(card: DatasetCard, root: Path, split: str) -> SplitCard | None:
    """For a tree written by :func:`make_synthetic`, the counts its manifest records instead of the card's."""
    path = root / MANIFEST
    if not path.is_file():
        return None
    videos = [v for v in json.loads(path.read_text())["videos"].values() if v["split"] == split]
    groups = {v["stems"][0].rsplit("_", 1)[0] for v in videos} if card.group_by == "clip" else None
    return SplitCard(name=split, has_gt=card.split(split).has_gt,
                     n_videos=len(groups) if groups is not None else len(videos),
                     n_shots=len(videos) if groups is not None else None,
                     n_frames=sum(v["n_frames"] for v in videos))


def check_split(card: DatasetCard, root: Path, split: str, *, decode: bool = True, progress: bool = False,
                **options: object) -> SplitReport:
    """Check one split; a split that cannot be opened gives a report with that one problem."""
    card.split(split)
    split_card = _expected_from_manifest(card, Path(root), split) or card.split(split)
    report = SplitReport(split, expected_videos=split_card.n_videos, expected_shots=split_card.n_shots,
                         expected_frames=split_card.n_frames)
    if split_card is not card.splits[split]:
        report.warnings.append(f"synthetic dataset: counts checked against {MANIFEST}, not the card")
    try:
        dataset = open_dataset(card.id, root, split, errors="collect", **options)
    except DatasetError as err:
        report.problems.append(str(err))
        return report
    report.problems.extend(dataset.problems)
    videos = list(dataset)
    try:
        total = sum(len(v) for v in videos)
    except DatasetError as err:
        report.problems.append(str(err))
        return report
    with tqdm(total=total, desc=f"{card.id}/{split}", unit="frame", disable=not progress) as bar:
        for video in videos:
            _check_video(video, decode, report, bar)
    report.frames = total
    n_listed = len(videos) + len(dataset.problems)  # a broken video still counts as present
    if card.group_by == "clip":
        report.shots = n_listed
        report.videos = len({v.group for v in videos})
        _compare(report, "shots", report.shots, split_card.n_shots)
    else:
        report.videos = n_listed
    _compare(report, "videos", report.videos, split_card.n_videos, split_card.accept_n_videos)
    _compare(report, "frames", report.frames, split_card.n_frames)
    lengths = [len(v) for v in videos]
    if lengths and split_card.min_frames is not None and min(lengths) < split_card.min_frames:
        report.problems.append(f"split {split}: a video has {min(lengths)} frames, the card's minimum is "
                               f"{split_card.min_frames}")
    if lengths and split_card.max_frames is not None and max(lengths) > split_card.max_frames:
        report.problems.append(f"split {split}: a video has {max(lengths)} frames, the card's maximum is "
                               f"{split_card.max_frames}")
    return report


def check_dataset(name: str, root: str | Path, splits: Iterable[str] | None = None, *, decode: bool = True,
                  progress: bool = False, **options: object) -> CheckReport:
    """Check the splits (default: all the card defines) of dataset ``name`` at ``root``."""
    card = load_card(name)
    chosen = list(splits) if splits is not None else list(card.splits)
    return CheckReport(name, Path(root), [check_split(card, Path(root), s, decode=decode, progress=progress,
                                                      **options) for s in chosen])
