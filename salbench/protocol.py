"""The evaluation protocol ``dhf1k-matlab`` (``../shared/specs/protocol.md``): options, seeds and frame sets.

A :class:`Protocol` holds every option that changes a number (section 1). Its :meth:`Protocol.key` goes into the
metrics-cache key, and :meth:`Protocol.describe` into every table's footer. The random streams are derived as
section 9 prescribes, so a frame's score does not depend on evaluation order, sharding or resumption.
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass, field

import numpy as np

from .hashing import stable_hash
from .metrics import ALL, AUC_J_VARIANTS, S_AUC_VARIANTS

PROTOCOL_NAME = "dhf1k-matlab"
PROTOCOL_VERSION = 1
RESIZE_METHODS = ("matlab", "bilinear", "none")
RESIZE_BOUNDARIES = ("symmetric", "replicate")
S_AUC_OTHER_MODES = ("dhf1k", "unisal")
POINT_MAPS = ("matlab", "scaled")

# spawn_key roots of the protocol's random streams (section 9); 3 and 4 are the statistics' (salbench.stats)
FRAME_STREAM_ROOT = 1
SUBSET_STREAM_ROOT = 2


@dataclass(frozen=True)
class Protocol:
    """The options of the evaluation protocol, with the defaults of the official DHF1K MATLAB evaluation.

    Parameters
    ----------
    resize : {"matlab", "bilinear", "none"}
        How a prediction of another size than the GT is resized (section 3): MATLAB ``imresize`` bicubic
        with antialiasing, ``cv2.resize``-equal bilinear, or an error.
    resize_boundary : {"symmetric", "replicate"}
        Border handling of the bicubic resize (replicate = MATLAB before ~2015).
    max_frames : int or None
        Score a seeded uniform subset of this many frames (50000 mimics the reference cap); None scores all.
    s_auc_other, n_other, s_auc_splits, s_auc_step, s_auc_point_map
        The s-AUC other map (section 5) and the metric's splits and threshold step.
    auc_j_jitter, kld_clip_negative
        AUC-Judd's tie-breaking jitter; KLD clips the negative undershoot of a bicubic resize.
    auc_j_variant, s_auc_variant
        Legacy metric variants (``metrics.md`` section 14); "matlab" is the reference.
    seed : int
        Root of every per-frame random stream.
    metrics : tuple of str
        The metrics computed.
    """

    resize: str = "matlab"
    resize_boundary: str = "symmetric"
    max_frames: int | None = None
    s_auc_other: str = "dhf1k"
    n_other: int = 10
    s_auc_splits: int = 100
    s_auc_step: float = 0.1
    s_auc_point_map: str = "matlab"
    auc_j_jitter: bool = True
    kld_clip_negative: bool = True
    auc_j_variant: str = "matlab"
    s_auc_variant: str = "matlab"
    seed: int = 0
    metrics: tuple[str, ...] = field(default=ALL)

    def __post_init__(self) -> None:
        checks = (("resize", RESIZE_METHODS), ("resize_boundary", RESIZE_BOUNDARIES),
                  ("s_auc_other", S_AUC_OTHER_MODES), ("s_auc_point_map", POINT_MAPS),
                  ("auc_j_variant", AUC_J_VARIANTS), ("s_auc_variant", S_AUC_VARIANTS))
        for name, allowed in checks:
            if getattr(self, name) not in allowed:
                raise ValueError(f"protocol option {name}={getattr(self, name)!r}; choose one of {list(allowed)}")
        if self.max_frames is not None and self.max_frames < 1:
            raise ValueError(f"protocol option max_frames must be >= 1 or None, got {self.max_frames}")
        for name in ("n_other", "s_auc_splits"):
            if getattr(self, name) < 1:
                raise ValueError(f"protocol option {name} must be >= 1, got {getattr(self, name)}")
        if not 0 < self.s_auc_step <= 1:
            raise ValueError(f"protocol option s_auc_step must be in (0, 1], got {self.s_auc_step}")
        unknown = [m for m in self.metrics if m not in ALL]
        if unknown or not self.metrics:
            raise ValueError(f"protocol metrics {list(self.metrics)}: choose a non-empty subset of {list(ALL)}")
        object.__setattr__(self, "metrics", tuple(m for m in ALL if m in self.metrics))

    def to_dict(self) -> dict[str, object]:
        """Every option plus the protocol name and version (what the provenance records)."""
        out: dict[str, object] = {"protocol": PROTOCOL_NAME, "protocol_version": PROTOCOL_VERSION}
        out.update(dataclasses.asdict(self))
        out["metrics"] = list(self.metrics)
        return out

    @classmethod
    def from_dict(cls, options: dict[str, object]) -> Protocol:
        """The protocol that :meth:`to_dict` described (e.g. read back from a run record)."""
        fields = {k: v for k, v in options.items() if k not in ("protocol", "protocol_version")}
        return cls(**{**fields, "metrics": tuple(fields["metrics"])})

    def key(self) -> str:
        """Hash of :meth:`to_dict`: part of the metrics-cache key."""
        return stable_hash(self.to_dict())

    def evaluate_options(self) -> dict[str, object]:
        """The keywords of :func:`salbench.metrics.evaluate_frame` that this protocol fixes."""
        return {"jitter": self.auc_j_jitter, "n_splits": self.s_auc_splits, "step": self.s_auc_step,
                "kld_clip_negative": self.kld_clip_negative, "auc_j_variant": self.auc_j_variant,
                "s_auc_variant": self.s_auc_variant}

    def describe(self) -> str:
        """One line for a table footer."""
        parts = [f"protocol {PROTOCOL_NAME} v{PROTOCOL_VERSION}",
                 f"resize {self.resize}" + (f" ({self.resize_boundary})" if self.resize == "matlab" else ""),
                 "all frames" if self.max_frames is None else f"max_frames {self.max_frames} (seeded subset)",
                 f"s-AUC other: {self.s_auc_other}, {self.n_other} draws, {self.s_auc_splits} splits, "
                 f"step {self.s_auc_step}, point map {self.s_auc_point_map}",
                 f"AUC-J jitter {'on' if self.auc_j_jitter else 'off'}",
                 f"KLD clip {'on' if self.kld_clip_negative else 'off'}", f"seed {self.seed}"]
        variants = [f"{m}={v}" for m, v in (("auc_j", self.auc_j_variant), ("s_auc", self.s_auc_variant))
                    if v != "matlab"]
        if variants:
            parts.append("variants " + ", ".join(variants))
        return "; ".join(parts)


def frame_streams(seed: int, video: str, frame: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The (other_rng, metric_rng) pair of one frame (section 9).

    ``SeedSequence(seed, spawn_key=(1, crc32(video), frame)).spawn(2)``, ``frame`` 0-based within the video.
    """
    ss = np.random.SeedSequence(seed, spawn_key=(FRAME_STREAM_ROOT, zlib.crc32(video.encode()), int(frame)))
    other_ss, metric_ss = ss.spawn(2)
    return np.random.default_rng(other_ss), np.random.default_rng(metric_ss)


def frame_subset(n_frames: int, max_frames: int | None, seed: int) -> np.ndarray:
    """Positions (sorted, 0-based, in the dataset's stable frame order) of the frames to score (section 6).

    All frames when ``max_frames`` is None or not smaller than ``n_frames``; otherwise
    ``default_rng(SeedSequence(seed, spawn_key=(2,))).choice(n_frames, max_frames, replace=False)``, sorted.
    """
    if max_frames is None or max_frames >= n_frames:
        return np.arange(n_frames, dtype=np.int64)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SUBSET_STREAM_ROOT,)))
    return np.sort(rng.choice(n_frames, max_frames, replace=False)).astype(np.int64)
