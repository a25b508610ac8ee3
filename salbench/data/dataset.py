"""A dataset split: a sorted, indexable collection of :class:`Video` objects, and the folder reader they share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from .avi import VideoFileFrames
from .cards import DatasetCard
from .errors import DatasetError
from .listing import FRAME_EXTENSIONS, MAP_EXTENSIONS, list_images
from .video import ImageFrames, Video


class Dataset(Sequence[Video]):
    """The videos of one split, in a stable sorted order; index by position or by video name."""

    def __init__(self, card: DatasetCard, root: Path, split: str, videos: list[Video], layout: str,
                 problems: list[str] | None = None) -> None:
        self.card = card
        self.problems = problems or []  # videos left out when opened with errors="collect"
        self.name = card.id
        self.root = Path(root)
        self.split = split
        self.layout = layout
        self._videos = videos
        self._by_name = {v.name: v for v in videos}

    def __len__(self) -> int:
        return len(self._videos)

    def __iter__(self) -> Iterator[Video]:
        return iter(self._videos)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return self._by_name[key]
            except KeyError:
                raise KeyError(f"no video {key!r} in {self.name}/{self.split}") from None
        return self._videos[key]

    @property
    def names(self) -> list[str]:
        return [v.name for v in self._videos]

    @property
    def fps(self) -> float:
        return self.card.fps

    def n_frames(self) -> int:
        """Frames of the split (GT maps where the split has them, else frames; may decode video files)."""
        return sum(len(v) for v in self._videos)

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, split={self.split!r}, videos={len(self)}, root={str(self.root)!r})"


class VideoCollector:
    """Builds the video list of a split: ``errors="raise"`` stops at the first broken video folder,
    ``errors="collect"`` leaves it out and records the problem (what ``check-dataset`` needs)."""

    def __init__(self, errors: str) -> None:
        if errors not in ("raise", "collect"):
            raise ValueError(f"errors must be 'raise' or 'collect', got {errors!r}")
        self.errors = errors
        self.videos: list[Video] = []
        self.problems: list[str] = []

    def add(self, **kwargs: object) -> None:
        """Read one video folder (arguments of :func:`read_video_folder`)."""
        try:
            self.videos.append(read_video_folder(**kwargs))
        except DatasetError as err:
            if self.errors == "raise":
                raise
            self.problems.append(str(err))


def _stems(files: Sequence[Path]) -> list[str]:
    return [f.stem for f in files]


def _check_pairing(reference: Sequence[Path], other: Sequence[Path], other_dir: Path, what: str) -> None:
    """Every reference file (a GT map) must have a file of the same stem in ``other_dir``, and the reverse."""
    ref, oth = _stems(reference), _stems(other)
    if ref == oth:
        return
    ref_set, oth_set = set(ref), set(oth)
    for path in reference:
        if path.stem not in oth_set:
            raise DatasetError(f"{path} has no {what} in {other_dir} (expected a file named {path.stem}.*)")
    for path in other:
        if path.stem not in ref_set:
            raise DatasetError(f"{path} has no GT map of the same name in {reference[0].parent}")
    raise DatasetError(f"the files of {other_dir} and {reference[0].parent} are not in the same order")


def read_video_folder(folder: Path, *, name: str, split: str, fps: float, has_gt: bool, fixation_source: str = "auto",
                      video_file: Path | None = None, prefer_video_file: bool = False, group: str | None = None,
                      category: str | None = None) -> Video:
    """A :class:`Video` from ``folder/{images,maps,fixation,fixation/maps}``, checked file by file.

    Frames come from ``images/`` (PNG or JPEG) unless it is absent (or ``prefer_video_file``), then from
    ``video_file`` decoded with PyAV. ``fixations/`` is accepted as an alias of ``fixation/``. GT maps,
    fixation PNGs, ``.mat`` files and frames must pair up by file name.
    """
    images_dir = folder / "images"
    frames = None
    if video_file is not None and (prefer_video_file or not images_dir.is_dir()):
        frames = VideoFileFrames(video_file)
    elif images_dir.is_dir():
        files = list_images(images_dir, FRAME_EXTENSIONS)
        if not files:
            raise DatasetError(f"no frame images (.png, .jpg) in {images_dir}")
        frames = ImageFrames(files)

    maps = fixations = mats = None
    if has_gt:
        maps_dir = folder / "maps"
        maps = list_images(maps_dir, MAP_EXTENSIONS)
        if not maps:
            raise DatasetError(f"no GT map PNGs in {maps_dir}")
        fix_dir = folder / "fixation"
        if not fix_dir.is_dir() and (folder / "fixations").is_dir():
            fix_dir = folder / "fixations"
        fixations = list_images(fix_dir, MAP_EXTENSIONS)
        _check_pairing(maps, fixations, fix_dir, "fixation PNG")
        mat_dir = fix_dir / "maps"
        if mat_dir.is_dir():
            mats = list_images(mat_dir, frozenset({".mat"}))
            _check_pairing(maps, mats, mat_dir, "fixation .mat")
        if isinstance(frames, ImageFrames):
            _check_pairing(maps, frames.files, images_dir, "frame image")
    elif frames is None:
        raise DatasetError(f"video {name}: no frames in {folder} (no images/ folder and no video file)")
    return Video(name, frames=frames, maps=maps, fixations=fixations, fixation_mats=mats, fps=fps, split=split,
                 group=group, category=category, fixation_source=fixation_source, location=folder)
