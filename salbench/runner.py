"""The benchmark pipeline as plain functions: build predictors, fill the prediction cache, evaluate, load runs.

Each stage can be used alone from Python; the CLI (``salbench run | predict | evaluate``) strings them together:

>>> from salbench import data, runner
>>> ds = data.open_dataset("dhf1k", "/data/DHF1K", "val")
>>> spec = runner.PredictorSpec.parse("center:sigma=0.25")
>>> predictor, pid = runner.build_predictor(spec, ds, "results/cache")
>>> runner.predict(predictor, pid, ds, "results/cache")
>>> result = runner.evaluate(predictor, pid, ds, "results/cache")

Sharding: videos go to shard ``k mod n`` by their position in the split; with ``--shard i/n`` or torchrun's
``RANK``/``WORLD_SIZE`` every process writes its own files, so no locking is needed and any shard can be rerun.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import registry
from .cache.h5io import atomic_write_text, orphaned_temporaries
from .cache.metric_store import find_records
from .cache.predictions import PredictionCache, PredictorId
from .data import load_card, make_synthetic
from .data.synthetic import MANIFEST
from .evaluation import EvaluationResult, evaluate_predictions, load_run
from .progress import progress_bar
from .protocol import Protocol

log = logging.getLogger("salbench")

DEFAULT_PREDICTORS = registry.DEFAULT_PREDICTORS


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


@dataclass(frozen=True)
class PredictorSpec:
    """A predictor as named on the command line: ``name`` or ``name:key=value,key=value``.

    Values are read as JSON when they parse (numbers, ``true``, ``[180,320]``), else as strings. The special
    option ``label=...`` names the table row (default: the spec text) and is not passed to the factory.
    """

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    @classmethod
    def parse(cls, text: str) -> PredictorSpec:
        name, _, rest = text.partition(":")
        options: dict[str, Any] = {}
        label = text
        # split on commas that start a new key=value (values such as [180,320] keep their commas)
        for part in re.split(r",(?=[A-Za-z_][A-Za-z0-9_]*=)", rest) if rest else []:
            key, sep, value = part.partition("=")
            if not sep or not key:
                raise ValueError(f"predictor spec {text!r}: options look like name:key=value,key=value")
            if key == "label":
                label = value
            else:
                options[key] = _parse_value(value)
        if not name:
            raise ValueError(f"predictor spec {text!r} has no predictor name")
        return cls(name, options, label)


def parse_shard(text: str | None, environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """``"i/n"`` -> (i, n); without text, torchrun's ``RANK``/``WORLD_SIZE`` when set, else (0, 1)."""
    environ = os.environ if environ is None else environ
    if text is None:
        if "RANK" in environ and "WORLD_SIZE" in environ:
            text = f"{environ['RANK']}/{environ['WORLD_SIZE']}"
        else:
            return 0, 1
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ValueError(f"shard must look like i/n (e.g. 0/4), got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"shard {text!r}: need 0 <= i < n")
    return index, count


def build_predictor(spec: PredictorSpec, dataset: Any, cache_root: str | Path, *, progress: bool = False,
                    dataset_options: dict[str, Any] | None = None) -> tuple[registry.Predictor, PredictorId]:
    """Create the predictor of ``spec``; factories that take ``context`` get a :class:`PredictorContext`."""
    kwargs = dict(spec.options)
    if registry.accepts(spec.name, "context"):
        kwargs["context"] = registry.PredictorContext(dataset.name, Path(dataset.root), dataset.split,
                                                      Path(cache_root), dict(dataset_options or {}), progress)
    try:
        predictor = registry.create_predictor(spec.name, **kwargs)
    except TypeError as err:
        raise ValueError(f"predictor {spec.name!r}: {err}") from None
    return predictor, PredictorId.of(predictor, spec.label)


@dataclass
class PredictReport:
    """What :func:`predict` did: videos of the shard already cached, computed, and recomputed (invalid)."""

    cached: int = 0
    computed: int = 0
    recomputed: int = 0
    frames: int = 0


def _remove_orphans(folder: Path) -> None:
    """Delete temporary files of processes of this machine that died mid-write (SIGKILL leaves them behind)."""
    for tmp in orphaned_temporaries(folder):
        tmp.unlink(missing_ok=True)


def predict(predictor: registry.Predictor, pid: PredictorId, dataset: Any, cache_root: str | Path, *,
            shard: tuple[int, int] = (0, 1), storage: str = "uint8", progress: bool = False) -> PredictReport:
    """Fill the prediction cache with ``predictor``'s maps for the videos of ``dataset`` in ``shard``.

    Finished videos are skipped; a stale or damaged file is reported and recomputed.
    """
    cache = PredictionCache(cache_root, dataset.name, dataset.split, pid, storage)
    _remove_orphans(cache.folder)
    index, count = shard
    report = PredictReport()
    todo = []
    for k, video in enumerate(dataset):
        if k % count != index:
            continue
        state = cache.status(video)
        if state == "done":
            report.cached += 1
            continue
        if state != "missing":
            log.warning("prediction cache of %s, video %s is %s; recomputing", pid.display, video.name, state)
            report.recomputed += 1
        todo.append(video)
    atomic_write_text(cache.folder / "predictor.json",
                      json.dumps({**pid.to_dict(), "label": pid.display, "storage": storage}, indent=1,
                                 sort_keys=True) + "\n")
    with progress_bar(progress, total=sum(len(v) for v in todo), desc=f"predict {pid.display}",
                      unit="frame") as bar:
        for video in todo:
            cache.write(video, predictor.predict_video(video), on_frame=bar.update)
            report.frames += len(video)
    report.computed = len(todo) - report.recomputed
    return report


def evaluate(predictor: registry.Predictor | None, pid: PredictorId, dataset: Any, cache_root: str | Path,
             protocol: Protocol | None = None, *, storage: str = "uint8", n_jobs: int | None = None,
             progress: bool = False) -> EvaluationResult:
    """Score the cached predictions of ``pid`` (see :func:`salbench.evaluation.evaluate_predictions`).

    With ``predictor`` given, a video whose cached maps turn out damaged is predicted again.
    """
    cache = PredictionCache(cache_root, dataset.name, dataset.split, pid, storage)
    _remove_orphans(cache.folder)
    repredict = None
    if predictor is not None:
        def repredict(video: Any) -> None:
            cache.write(video, predictor.predict_video(video))
    return evaluate_predictions(dataset, cache, cache_root, protocol, n_jobs=n_jobs, progress=progress,
                                repredict=repredict)


def export_pngs(pid: PredictorId, dataset: Any, cache_root: str | Path, out: str | Path, *, storage: str = "uint8",
                progress: bool = False) -> int:
    """Write the cached maps of ``pid`` as 8-bit PNGs ``<out>/<video>/<frame stem>.png`` (e.g. for a DHF1K test-set
    submission, or for another tool); returns the number of files. Every video must be predicted already."""
    from PIL import Image

    from .cache.predictions import quantize_map

    cache = PredictionCache(cache_root, dataset.name, dataset.split, pid, storage)
    missing = [v.name for v in dataset if cache.status(v) != "done"]
    if missing:
        raise ValueError(f"{len(missing)} video(s) of {dataset.name}/{dataset.split} have no valid cached predictions "
                         f"of {pid.display!r} (e.g. {missing[0]}); run `salbench predict` first")
    out = Path(out)
    written = 0
    with progress_bar(progress, total=dataset.n_frames(), desc=f"export {pid.display}", unit="frame") as bar:
        for video in dataset:
            folder = out / video.name
            folder.mkdir(parents=True, exist_ok=True)
            for stem, stored in zip(video.stems, cache.read(video)):
                level = stored if stored.dtype == np.uint8 else quantize_map(stored.astype(np.float64))[0]
                Image.fromarray(level).save(folder / f"{stem}.png")
                written += 1
                bar.update()
    return written


def ensure_demo_dataset(root: str | Path, *, progress: bool = False) -> Path:
    """Build the synthetic demo dataset at ``root`` (the synthetic card's ``[generator]``) unless it exists."""
    root = Path(root)
    if (root / MANIFEST).is_file():
        return root
    generator = dict(load_card("synthetic").extra.get("generator", {}))
    if "size" in generator:
        generator["size"] = tuple(generator["size"])
    make_synthetic(root, progress=progress, **generator)
    return root


def find_runs(cache_root: str | Path, dataset: str, split: str, protocol: Protocol | None = None,
              predictors: list[str] | None = None, frame_set_key: str | None = None) -> list[EvaluationResult]:
    """The finished runs in the metrics cache for a dataset split under ``protocol`` (default options).

    ``predictors`` filters by row label or predictor name; ``frame_set_key`` keeps only runs on that frame set
    (the dataset copy as it is now). When one label has several runs (e.g. after a predictor's code changed), the
    newest run.json wins.
    """
    protocol = protocol or Protocol()
    chosen: dict[str, tuple[float, Path, dict[str, Any]]] = {}
    for path in find_records(cache_root, dataset, split):
        try:
            record = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            log.warning("skipping unreadable run record %s: %s", path, err)
            continue
        if record.get("protocol") != protocol.to_dict():
            continue
        if frame_set_key is not None and record["frame_set"]["key"] != frame_set_key:
            continue
        label, name = record["predictor"]["label"], record["predictor"]["name"]
        if predictors and label not in predictors and name not in predictors:
            continue
        mtime = path.stat().st_mtime
        if label not in chosen or mtime > chosen[label][0]:
            chosen[label] = (mtime, path.parent, record)
    runs = [load_run(folder, record) for _, folder, record in chosen.values()]
    if predictors:
        order = {p: i for i, p in enumerate(predictors)}
        runs.sort(key=lambda r: order.get(r.record["predictor"]["label"],
                                          order.get(r.record["predictor"]["name"], len(order))))
    else:
        runs.sort(key=lambda r: r.record["predictor"]["label"])
    return runs


__all__ = ["DEFAULT_PREDICTORS", "PredictReport", "PredictorSpec", "build_predictor", "ensure_demo_dataset",
           "evaluate", "export_pngs", "find_runs", "parse_shard", "predict"]
