"""Dataset cards: the TOML files of the top-level ``datasets/`` folder (data, not code).

A card states a dataset's layouts, splits (DHF1K-style id ranges or Hollywood/UCF-style folders), counts of
videos and frames per split where known, fps, frame size, licence, citation and download pointers. The loaders
read their split definitions from the cards, and ``salbench check-dataset`` compares a local copy with them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .errors import DatasetError

CARDS_ENV = "SALBENCH_CARDS_DIR"
_REQUIRED = ("id", "name", "description", "layouts", "fps", "licence", "redistributable", "citation", "splits")


def cards_dir() -> Path:
    """The folder holding the cards: ``$SALBENCH_CARDS_DIR``, else the repository's ``datasets/``, else the
    copy installed inside the package (``salbench/data/cards``)."""
    if os.environ.get(CARDS_ENV):
        return Path(os.environ[CARDS_ENV])
    for candidate in (Path(__file__).resolve().parents[2] / "datasets", Path(__file__).resolve().parent / "cards"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    raise DatasetError(f"no dataset cards found: set {CARDS_ENV} to a folder of <id>.toml cards")


@dataclass(frozen=True)
class SplitCard:
    """One split of a card: which videos belong to it and, where known, how many videos and frames it has."""

    name: str
    has_gt: bool
    ids: tuple[int, int] | None = None  # inclusive id range (DHF1K)
    folder: str | None = None  # sub-folder of the root (Hollywood-2, UCF-Sports)
    n_videos: int | None = None
    n_shots: int | None = None
    n_frames: int | None = None
    min_frames: int | None = None
    max_frames: int | None = None
    accept_n_videos: tuple[int, ...] = ()  # other video counts of known variants of the release (a warning)

    def contains(self, video_id: int) -> bool:
        return self.ids is not None and self.ids[0] <= video_id <= self.ids[1]


@dataclass(frozen=True)
class DatasetCard:
    """A parsed dataset card (see ``../shared/specs/datasets.md`` section 6)."""

    id: str
    name: str
    description: str
    layouts: tuple[str, ...]
    fps: float
    licence: str
    redistributable: bool
    citation: str
    splits: dict[str, SplitCard]
    frame_size: tuple[int, int] | None = None
    observers: int | None = None
    group_by: str | None = None
    download: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def split(self, name: str) -> SplitCard:
        """The split ``name``; an undefined split raises :class:`DatasetError` (a ``ValueError``) listing the
        card's splits and naming the card."""
        if name not in self.splits:
            where = f" ({self.path})" if self.path else ""
            raise DatasetError(f"dataset {self.id!r} has no split {name!r}; its card{where} defines "
                               f"{sorted(self.splits)}")
        return self.splits[name]


def _parse_ids(text: str, where: Path) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in str(text).split("-"))
    except ValueError:
        raise DatasetError(f"{where}: split ids must look like '0601-0700', got {text!r}") from None
    return low, high


def parse_card(path: Path) -> DatasetCard:
    """Read and validate one card file."""
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise DatasetError(f"missing dataset card: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise DatasetError(f"invalid TOML in dataset card {path}: {err}") from None
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise DatasetError(f"dataset card {path} lacks the key(s) {missing}")
    splits = {}
    for name, spec in raw["splits"].items():
        if ("ids" in spec) == ("folder" in spec):
            raise DatasetError(f"{path}: split {name!r} needs exactly one of 'ids' and 'folder'")
        splits[name] = SplitCard(
            name=name, has_gt=bool(spec.get("has_gt", True)),
            ids=_parse_ids(spec["ids"], path) if "ids" in spec else None, folder=spec.get("folder"),
            n_videos=spec.get("n_videos"), n_shots=spec.get("n_shots"), n_frames=spec.get("n_frames"),
            min_frames=spec.get("min_frames"), max_frames=spec.get("max_frames"),
            accept_n_videos=tuple(spec.get("accept_n_videos", ())),
        )
    known = set(_REQUIRED) | {"frame_size", "observers", "group_by", "download"}
    return DatasetCard(
        id=raw["id"], name=raw["name"], description=raw["description"], layouts=tuple(raw["layouts"]),
        fps=float(raw["fps"]), licence=raw["licence"], redistributable=bool(raw["redistributable"]),
        citation=raw["citation"], splits=splits,
        frame_size=tuple(raw["frame_size"]) if "frame_size" in raw else None,
        observers=raw.get("observers"), group_by=raw.get("group_by"), download=tuple(raw.get("download", ())),
        extra={k: v for k, v in raw.items() if k not in known}, path=path,
    )


def load_card(dataset_id: str) -> DatasetCard:
    """The card ``datasets/<dataset_id>.toml``."""
    path = cards_dir() / f"{dataset_id}.toml"
    if not path.is_file():
        raise DatasetError(f"no dataset card {path.name} in {path.parent}; cards: {list_cards()}")
    card = parse_card(path)
    if card.id != dataset_id:
        raise DatasetError(f"{path} declares id {card.id!r}, expected {dataset_id!r}")
    return card


def list_cards() -> list[str]:
    """Ids of every card in :func:`cards_dir`."""
    return sorted(p.stem for p in cards_dir().glob("*.toml"))
