"""Scoring cached predictions under the protocol (``../shared/specs/protocol.md`` sections 2-6 and 9).

For every frame of the evaluated set (all frames, or the seeded ``max_frames`` subset) the prediction is resized
to the GT size as the protocol says, the s-AUC other map is drawn from the frame's own random stream, and the six
metrics are computed in one pass (:func:`salbench.metrics.evaluate_frames`, on every core). Scores are stored per
video in the metrics cache, so an interrupted evaluation resumes with the next unfinished video and a finished
one is never recomputed; a damaged metrics or prediction file is reported (``logging``) and recomputed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .cache.ground_truth import Fixations, GroundTruthCache
from .cache.h5io import CacheCorrupt
from .cache.metric_store import RUN_RECORD, MetricStore
from .cache.predictions import PredictionCache
from .hashing import stable_hash
from .metrics import evaluate_frames, imresize
from .metrics.colon import matlab_round_array
from .progress import progress_bar
from .protocol import Protocol, frame_streams, frame_subset

log = logging.getLogger("salbench")

CHUNK = 16  # frames read and scored together (the next chunk is read meanwhile)


@dataclass
class FrameSet:
    """The frames to score: per video (in dataset order, videos without a scored frame left out) the sorted
    0-based frame indices; ``key`` fingerprints the split (video names, frame counts, GT files)."""

    videos: list[Any]
    frames: list[np.ndarray]
    key: str
    n_total: int

    @property
    def n_frames(self) -> int:
        return int(sum(len(f) for f in self.frames))

    def manifest(self) -> dict[str, Any]:
        return {"key": self.key, "n_videos": len(self.videos), "n_frames": self.n_frames,
                "n_frames_split": self.n_total}


def make_frame_set(dataset: Sequence[Any], protocol: Protocol) -> FrameSet:
    """The evaluated frames of ``dataset`` under ``protocol`` (``max_frames``: a seeded uniform subset)."""
    videos = list(dataset)
    missing = [v.name for v in videos if not v.has_gt]
    if missing:
        raise ValueError(f"{len(missing)} video(s) have no ground truth (e.g. {missing[0]}); this split cannot be "
                         f"scored locally (DHF1K's test labels are withheld: use val)")
    if not videos:
        raise ValueError("the split holds no video")
    lengths = np.array([len(v) for v in videos], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    chosen = frame_subset(int(starts[-1]), protocol.max_frames, protocol.seed)
    bounds = np.searchsorted(chosen, starts)  # chosen[bounds[v]:bounds[v + 1]] fall in video v
    kept_videos, kept_frames = [], []
    for v, video in enumerate(videos):
        positions = chosen[bounds[v]:bounds[v + 1]]
        if len(positions):
            kept_videos.append(video)
            kept_frames.append(positions - starts[v])
    key = stable_hash([[v.name, len(v), v.fingerprint("gt")] for v in videos], 12)
    return FrameSet(kept_videos, kept_frames, key, int(starts[-1]))


def map_points(pixels: np.ndarray, source: tuple[int, int], target: tuple[int, int], mode: str) -> np.ndarray:
    """Flat fixation indices of a ``source``-sized frame mapped onto a ``target``-sized one (section 5).

    1-based (r, c) goes to ``(round(r*W/Ws), round(c*H/Hs))`` in mode "matlab" (the reference's swapped ratios)
    or ``(round(r*H/Hs), round(c*W/Ws))`` in mode "scaled"; rounding half away from zero, points outside the
    target dropped. Equal sizes give the identity.
    """
    if source == target:
        return pixels
    (hs, ws), (h, w) = source, target
    r = pixels // ws + 1.0
    c = pixels % ws + 1.0
    if mode == "matlab":
        rr, cc = matlab_round_array(r * w / ws), matlab_round_array(c * h / hs)
    else:
        rr, cc = matlab_round_array(r * h / hs), matlab_round_array(c * w / ws)
    keep = (rr >= 1) & (rr <= h) & (cc >= 1) & (cc <= w)
    return ((rr[keep] - 1) * w + (cc[keep] - 1)).astype(np.int64)


class OtherMapSampler:
    """Draws the s-AUC other map of a frame (section 5): the union of the fixations of ``n_other`` distinct
    random frames of the evaluated set ("dhf1k"), or of one random frame of each of ``n_other`` distinct
    random videos ("unisal"), mapped to the frame's size."""

    def __init__(self, frame_set: FrameSet, fixations: list[Fixations], protocol: Protocol) -> None:
        self.fixations = fixations
        self.frames = frame_set.frames
        self.mode = protocol.s_auc_other
        self.n_other = protocol.n_other
        self.point_map = protocol.s_auc_point_map
        self.video_of = np.concatenate([np.full(len(f), v, np.int64) for v, f in enumerate(frame_set.frames)])
        self.frame_of = np.concatenate(frame_set.frames)

    def draw(self, rng: np.random.Generator) -> list[tuple[int, int]]:
        """The (video position, frame index) pairs whose fixations form the other map."""
        if self.mode == "dhf1k":
            n = len(self.frame_of)
            picks = rng.choice(n, min(self.n_other, n), replace=False)
            return [(int(self.video_of[p]), int(self.frame_of[p])) for p in picks]
        n_videos = len(self.frames)
        picks = rng.choice(n_videos, min(self.n_other, n_videos), replace=False)
        return [(int(v), int(self.frames[v][rng.integers(len(self.frames[v]))])) for v in picks]

    def other(self, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
        mask = np.zeros(size[0] * size[1], dtype=bool)
        for v, f in self.draw(rng):
            fix = self.fixations[v]
            mask[map_points(fix.pixels(f), fix.size, size, self.point_map)] = True
        return mask.reshape(size)


def resize_prediction(pred: np.ndarray, size: tuple[int, int], protocol: Protocol, where: str) -> np.ndarray:
    """A prediction at the GT size (section 3); as-is when the sizes agree."""
    if pred.shape == size:
        return pred
    if protocol.resize == "none":
        raise ValueError(f"{where}: prediction size {pred.shape} differs from the GT size {size} and resize='none'")
    values = pred.astype(np.float64)
    if protocol.resize == "matlab":
        return imresize(values, size, method="bicubic", antialias=True, boundary=protocol.resize_boundary)
    return imresize(values, size, method="bilinear", antialias=False)


def score_video(video: Any, frames: np.ndarray, predictions: PredictionCache, gt: GroundTruthCache,
                fixations: Fixations, sampler: OtherMapSampler | None, protocol: Protocol, n_jobs: int,
                on_frames: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Per-frame scores of one video (``frames``: its sorted evaluated indices).

    Frames are read in chunks; the next chunk is read on a helper thread while the current one is scored (the
    metric kernels release the GIL), so reading the caches and scoring overlap.
    """
    size = fixations.size
    parts: dict[str, list[np.ndarray]] = {m: [] for m in protocol.metrics}
    options = protocol.evaluate_options()
    where = f"video {video.name}"
    chunks = [frames[start:start + CHUNK] for start in range(0, len(frames), CHUNK)]

    def load(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return predictions.read(video, chunk), gt.maps(video, chunk)

    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(load, chunks[0]) if chunks else None
        for k, chunk in enumerate(chunks):
            preds, gts = pending.result()
            pending = reader.submit(load, chunks[k + 1]) if k + 1 < len(chunks) else None
            preds = [resize_prediction(p, size, protocol, f"{where}, frame {f}") for p, f in zip(preds, chunk)]
            fix, others, rngs = [], [], []
            for f in chunk:
                other_rng, metric_rng = frame_streams(protocol.seed, video.name, int(f))
                fix.append(fixations.mask(int(f)))
                others.append(sampler.other(other_rng, size) if sampler is not None else None)
                rngs.append(metric_rng)
            try:
                values = evaluate_frames(preds, gts, fix, others, names=protocol.metrics, rng=rngs, n_jobs=n_jobs,
                                         **options)
            except ValueError as err:
                raise ValueError(f"{where} (frames {chunk[0]}..{chunk[-1]}): {err}") from None
            for m in protocol.metrics:
                parts[m].append(values[m])
            if on_frames is not None:
                on_frames(len(chunk))
    return {m: np.concatenate(parts[m]) if parts[m] else np.zeros(0) for m in protocol.metrics}


@dataclass
class EvaluationResult:
    """Scores of one predictor on a frame set: per video, its frames and per-metric arrays; ``record`` is the
    provenance written to ``run.json``."""

    record: dict[str, Any]
    videos: list[str]
    groups: list[str]
    frames: list[np.ndarray]
    scores: list[dict[str, np.ndarray]]
    run_folder: Path


def evaluate_predictions(dataset: Any, predictions: PredictionCache, cache_root: str | Path,
                         protocol: Protocol | None = None, *, n_jobs: int | None = None, progress: bool = False,
                         repredict: Callable[[Any], None] | None = None) -> EvaluationResult:
    """Score the cached predictions of one predictor on ``dataset`` (a split) and store them per video.

    Parameters
    ----------
    dataset : salbench.data.Dataset
        The split to score (every video needs GT).
    predictions : PredictionCache
        Where the predictor's maps are; a missing video raises ``FileNotFoundError``.
    cache_root : path
        Root of the GT and metrics caches.
    protocol : Protocol
        The evaluation options (default: the official ``dhf1k-matlab`` defaults).
    n_jobs : int
        Threads for the metrics (default: every core).
    progress : bool
        Show tqdm bars.
    repredict : callable, optional
        Called with a video whose cached predictions are damaged, to recompute them; without it, a damaged
        prediction file raises :class:`CacheCorrupt`.
    """
    protocol = protocol or Protocol()
    n_jobs = n_jobs or os.cpu_count() or 1
    frame_set = make_frame_set(dataset, protocol)
    gt = GroundTruthCache(cache_root, dataset.name, dataset.split, n_jobs=n_jobs)
    with progress_bar(progress, total=sum(len(v) for v in frame_set.videos), desc="ground truth",
                      unit="frame") as bar:
        for video, frames in zip(frame_set.videos, frame_set.frames):
            state = gt.ensure(video, on_frame=bar.update)
            if state.startswith("rebuilt"):
                log.warning("ground-truth cache of video %s was invalid and is rebuilt (%s)", video.name, state)
            if state == "cached":
                bar.update(len(video))
    fixations = [gt.fixations(v) for v in frame_set.videos]
    sampler = OtherMapSampler(frame_set, fixations, protocol) if "s_auc" in protocol.metrics else None
    store = MetricStore(cache_root, dataset.name, dataset.split, predictions.folder_name, protocol.key(),
                        frame_set.key)
    base = {"salbench_version": __version__, "protocol": protocol.to_dict(),
            "predictor": {**predictions.predictor.to_dict(), "label": predictions.predictor.display,
                          "storage": predictions.storage, "key": predictions.folder_name},
            "dataset": dataset.name, "split": dataset.split, "frame_set": frame_set.manifest()}
    scores: list[dict[str, np.ndarray]] = []
    desc = f"evaluate {predictions.predictor.display}"
    with progress_bar(progress, total=frame_set.n_frames, desc=desc, unit="frame") as bar:
        for video, frames, fix in zip(frame_set.videos, frame_set.frames, fixations):
            values = None
            try:
                values = store.load(video.name, frames, protocol.metrics)
            except CacheCorrupt as err:
                log.warning("metrics cache damaged, recomputing: %s", err)
            if values is None:
                try:
                    values = score_video(video, frames, predictions, gt, fix, sampler, protocol, n_jobs)
                except CacheCorrupt as err:
                    if repredict is None:
                        raise
                    log.warning("cached predictions damaged, predicting video %s again: %s", video.name, err)
                    predictions.discard(video.name)
                    repredict(video)
                    values = score_video(video, frames, predictions, gt, fix, sampler, protocol, n_jobs)
                store.save(video.name, frames, values, {**base, "video": video.name, "group": video.group})
            scores.append(values)
            bar.update(len(frames))
    record = {**base, "videos": [v.name for v in frame_set.videos],
              "groups": [v.group for v in frame_set.videos],
              "frames_per_video": [len(f) for f in frame_set.frames]}
    store.write_record(record)
    return EvaluationResult(record, record["videos"], record["groups"], frame_set.frames, scores, store.folder)


COMPARABLE = ("dataset", "split", "protocol", "frame_set")
"""Record fields that must agree between runs shown or tested together."""


def require_comparable(results: Sequence[EvaluationResult], fields: Sequence[str] = COMPARABLE,
                       purpose: str = "their numbers are not comparable") -> None:
    """Raise ``ValueError`` naming the first record field in which a run differs from the first run."""
    first = results[0].record
    for result in results[1:]:
        for field in fields:
            if result.record[field] != first[field]:
                raise ValueError(f"runs differ in {field}: {result.record['predictor']['label']!r} vs "
                                 f"{first['predictor']['label']!r}; {purpose}")


def load_run(folder: str | Path, record: dict[str, Any] | None = None) -> EvaluationResult:
    """Read a finished run (its ``run.json``, unless ``record`` holds it already, and the per-video metric files)
    back from the metrics cache."""
    folder = Path(folder)
    if record is None:
        record = json.loads((folder / RUN_RECORD).read_text())
    protocol = Protocol.from_dict(record["protocol"])
    store = MetricStore.at(folder, protocol.key(), record["frame_set"]["key"])
    frames_all, scores = [], []
    for name in record["videos"]:
        try:
            frames = store.stored_frames(name)
            values = store.load(name, frames, protocol.metrics)
        except FileNotFoundError:
            values = None
        if values is None:
            raise CacheCorrupt(store.path(name), "listed in run.json but missing; run `salbench evaluate` again")
        frames_all.append(frames)
        scores.append(values)
    return EvaluationResult(record, record["videos"], record["groups"], frames_all, scores, folder)


__all__ = ["COMPARABLE", "EvaluationResult", "FrameSet", "OtherMapSampler", "evaluate_predictions", "load_run",
           "make_frame_set", "map_points", "require_comparable", "resize_prediction", "score_video"]
