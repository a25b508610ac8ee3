"""Synthetic look-alikes of DHF1K, Hollywood-2 and UCF-Sports (``../shared/specs/datasets.md`` section 7).

The trees have the real names, formats and edge cases, so the real loaders open them unchanged. Frames show
2-4 moving, bouncing objects on a textured, panning background; simulated observers fixate a known density
(one Gaussian per object, weight ~ size x speed, plus a centre bias with 0.3 of the weight) with pursuit and
blinks; GT maps are made the way the real ones are (counts blurred with a Gaussian, max-normalised, 8-bit).
Everything is drawn from ``default_rng([seed, layout_index, video_index])``, so a video does not change when
``n_videos`` grows. ``SYNTHETIC.json`` records the arguments and every frame's density components, so
:func:`density` recomputes the true density of any frame.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.io
from PIL import Image
from scipy.ndimage import gaussian_filter, zoom
from tqdm.auto import tqdm

from .avi import write_lossless_video
from .errors import DatasetError

GENERATOR_VERSION = 1
LAYOUTS = ("dhf1k", "dhf1k_split", "hollywood2", "ucf_sports")
MANIFEST = "SYNTHETIC.json"
FWHM_TO_SIGMA = 1 / (2 * math.sqrt(2 * math.log(2)))  # 1/2.3548

HOLLYWOOD_SIZES = ((288, 656), (272, 640), (384, 640), (256, 608), (576, 720))  # (H, W)
UCF_SIZES = ((404, 720), (576, 720), (480, 720), (360, 480), (488, 720))
UCF_CLASSES = ("Diving-Side", "Golf-Swing-Back", "Golf-Swing-Front", "Golf-Swing-Side", "Kicking-Front",
               "Kicking-Side", "Lifting", "Riding-Horse", "Run-Side", "SkateBoarding-Front", "Swing-Bench",
               "Swing-SideAngle", "Walk-Front")


# --- the scene: background, objects, density, observers ---------------------------------------------------


@dataclass
class _Object:
    x: float
    y: float
    vx: float
    vy: float
    radius: float
    colour: np.ndarray
    is_disc: bool

    def step(self, width: int, height: int) -> None:
        self.x += self.vx
        self.y += self.vy
        if not 0 <= self.x < width:  # bounce: the centre stays inside, the object may leave partially
            self.vx = -self.vx
            self.x = min(max(self.x, 0.0), width - 1.0)
        if not 0 <= self.y < height:
            self.vy = -self.vy
            self.y = min(max(self.y, 0.0), height - 1.0)


class _Scene:
    """One clip's visual content and gaze model; ``frames(n)`` yields (rgb, fixation counts, components)."""

    def __init__(self, rng: np.random.Generator, size: tuple[int, int], n_observers: int) -> None:
        self.rng = rng
        self.height, self.width = size
        h, w = size
        scale = w / 640
        coarse = rng.random((max(2, h // 16 + 4), max(2, w // 16 + 4), 3))
        self.canvas = gaussian_filter(zoom(coarse, (16, 16, 1), order=1), (6, 6, 0))  # smooth noise, oversized
        self.pan = rng.uniform(-0.5, 0.5, size=2)
        self.waves = [(rng.uniform(0, math.pi), rng.uniform(0.02, 0.08) / scale, rng.uniform(0, 2 * math.pi))
                      for _ in range(3)]
        self.objects = []
        for _ in range(int(rng.integers(2, 5))):
            speed = rng.uniform(1.0, 4.0) * scale
            angle = rng.uniform(0, 2 * math.pi)
            self.objects.append(_Object(
                x=rng.uniform(0.1, 0.9) * w, y=rng.uniform(0.1, 0.9) * h,
                vx=speed * math.cos(angle), vy=speed * math.sin(angle),
                radius=rng.uniform(0.05, 0.12) * min(h, w), colour=rng.uniform(0.1, 1.0, size=3),
                is_disc=bool(rng.random() < 0.5)))
        self.n_observers = n_observers
        self.targets: list[tuple[int, float, float] | None] = [None] * n_observers  # (component, x, y)
        self.yy, self.xx = np.mgrid[0:h, 0:w].astype(np.float64)

    def components(self) -> list[tuple[float, float, float, float, float]]:
        """Density components of the current frame: (x, y, sigma_x, sigma_y, weight), weights summing to 1."""
        raw = [(o.x, o.y, o.radius / 2, o.radius / 2, o.radius * math.hypot(o.vx, o.vy)) for o in self.objects]
        total = sum(c[4] for c in raw)
        comps = [(x, y, sx, sy, 0.7 * wt / total) for x, y, sx, sy, wt in raw]
        comps.append((self.width / 2, self.height / 2, self.width / 4, self.height / 4, 0.3))
        return comps

    def render(self, t: int) -> np.ndarray:
        h, w = self.height, self.width
        oy = int(abs(self.pan[0] * t)) % (self.canvas.shape[0] - h + 1)
        ox = int(abs(self.pan[1] * t)) % (self.canvas.shape[1] - w + 1)
        img = 0.6 * self.canvas[oy:oy + h, ox:ox + w]
        for angle, freq, phase in self.waves:
            wave = np.sin(freq * (self.xx * math.cos(angle) + self.yy * math.sin(angle)) + phase + 0.1 * t)
            img = img + 0.07 * wave[:, :, None]
        for o in self.objects:
            if o.is_disc:
                inside = (self.xx - o.x) ** 2 + (self.yy - o.y) ** 2 <= o.radius ** 2
            else:
                inside = (np.abs(self.xx - o.x) <= o.radius) & (np.abs(self.yy - o.y) <= 0.6 * o.radius)
            texture = 0.9 + 0.1 * np.sin(0.5 * (self.xx + self.yy))
            img[inside] = o.colour * texture[inside, None]
        return np.clip(np.round(255 * img), 0, 255).astype(np.uint8)

    def fixate(self, comps: list[tuple[float, float, float, float, float]]) -> np.ndarray:
        counts = np.zeros((self.height, self.width), dtype=np.int64)
        weights = np.array([c[4] for c in comps])
        for k in range(self.n_observers):
            if self.rng.random() < 0.05:  # blink
                continue
            target = self.targets[k]
            if target is not None and self.rng.random() < 0.8:  # pursuit of the previous target
                comp = target[0]
                if comp < len(self.objects):
                    x, y = self.objects[comp].x, self.objects[comp].y
                else:
                    x, y = target[1], target[2]
                x += self.rng.normal(0, 0.01 * self.width)
                y += self.rng.normal(0, 0.01 * self.width)
            else:
                comp = int(self.rng.choice(len(comps), p=weights / weights.sum()))
                cx, cy, sx, sy, _ = comps[comp]
                x, y = self.rng.normal(cx, sx), self.rng.normal(cy, sy)
            self.targets[k] = (comp, x, y)
            col, row = int(math.floor(x + 0.5)), int(math.floor(y + 0.5))
            if 0 <= row < self.height and 0 <= col < self.width:
                counts[row, col] += 1
        return counts

    def frames(self, n: int):
        for t in range(n):
            comps = self.components()
            yield self.render(t), self.fixate(comps), comps
            for o in self.objects:
                o.step(self.width, self.height)


def gt_map_from_counts(counts: np.ndarray, sigma: float, border: str) -> np.ndarray:
    """Counts blurred with a Gaussian (``border``: "constant" = zero outside, "nearest" = replicate),
    max-normalised and quantised to 8 bits as ``round(255*m)``; no fixation gives an all-zero map."""
    if not counts.any():
        return np.zeros(counts.shape, dtype=np.uint8)
    blurred = gaussian_filter(counts.astype(np.float64), sigma, mode=border, truncate=3.75)
    return np.floor(255 * blurred / blurred.max() + 0.5).astype(np.uint8)


# --- writing files -------------------------------------------------------------------------------------------


def _save_png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, compress_level=1)


def _write_gt(folder: Path, stem: str, counts: np.ndarray, sigma: float, border: str) -> None:
    _save_png(folder / "maps" / f"{stem}.png", gt_map_from_counts(counts, sigma, border))
    fixated = counts > 0
    _save_png(folder / "fixation" / f"{stem}.png", (fixated * 255).astype(np.uint8))
    mat = folder / "fixation" / "maps" / f"{stem}.mat"
    mat.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(mat, {"I": fixated.astype(np.uint8)})


@dataclass
class _Clip:
    """What to write for one video folder."""

    folder: Path | None  # None: no annotation folder (DHF1K test video kept only as an AVI)
    name: str
    split: str
    size: tuple[int, int]
    stems: list[str]  # file stems, one per frame, in order
    with_gt: bool
    with_images: bool
    video_file: Path | None = None


def _n_frames(rng: np.random.Generator, n_frames: int | tuple[int, int]) -> int:
    if isinstance(n_frames, (tuple, list)):
        low, high = n_frames
        return int(rng.integers(low, high + 1))
    return int(n_frames)


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def make_synthetic(root: str | Path, *, layout: str = "dhf1k", n_videos: int = 5,
                   n_frames: int | tuple[int, int] = 40, size: tuple[int, int] = (360, 640), seed: int = 0,
                   n_observers: int | None = None, with_video: bool = False, progress: bool = False) -> Path:
    """Write a deterministic synthetic dataset in one of the real layouts and return ``root``.

    Parameters
    ----------
    layout : {"dhf1k", "dhf1k_split", "hollywood2", "ucf_sports"}
        Which release to imitate (section 7.2 of the datasets spec).
    n_videos : int
        Videos (DHF1K: at least 3, split 3:1:1 over train/val/test with at least one each) or clips.
    n_frames : int or (min, max)
        Frames per video (per shot for Hollywood-2), fixed or drawn per video.
    size : (H, W)
        Frame size for DHF1K layouts; Hollywood-2/UCF clips use the real sizes scaled by ``W/720``.
    n_observers : int, optional
        Simulated observers; 17 for DHF1K layouts, 16 otherwise.
    with_video : bool
        DHF1K layouts: also write ``video/NNN.AVI`` for every video (lossless, decodes to the PNGs exactly).
    progress : bool
        Show a progress bar.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown synthetic layout {layout!r}; choose one of {list(LAYOUTS)}")
    root = Path(root)
    layout_index = LAYOUTS.index(layout)
    observers = n_observers or (17 if layout.startswith("dhf1k") else 16)
    planner = {"dhf1k": _plan_dhf1k, "dhf1k_split": _plan_dhf1k, "hollywood2": _plan_hollywood2,
               "ucf_sports": _plan_ucf_sports}[layout]
    clips = planner(root, layout, n_videos, n_frames, tuple(size), seed, with_video)
    root.mkdir(parents=True, exist_ok=True)
    dhf1k_like = layout.startswith("dhf1k")
    manifest = {"generator_version": GENERATOR_VERSION, "layout": layout, "n_videos": n_videos,
                "n_frames": n_frames, "size": list(size), "seed": seed, "n_observers": observers,
                "with_video": with_video, "videos": {}}
    empty_frame_done = False
    for index, clip in enumerate(tqdm(clips, desc=f"synthetic {layout}", unit="video", disable=not progress)):
        rng = np.random.default_rng([seed, layout_index, index])
        scene = _Scene(rng, clip.size, observers)
        width = clip.size[1]
        sigma = 30 * FWHM_TO_SIGMA * width / 640 if dhf1k_like else 20 * width / 640
        border = "constant" if dhf1k_like else "nearest"
        frames, components = [], []
        for t, (rgb, counts, comps) in enumerate(scene.frames(len(clip.stems))):
            stem = clip.stems[t]
            if clip.with_gt and not empty_frame_done and t == min(1, len(clip.stems) - 1):
                counts[:] = 0  # the one designated frame without any fixation (NaN paths)
                empty_frame_done = True
                manifest["empty_frame"] = {"video": clip.name, "frame": t}
            if clip.with_images:
                _save_png(clip.folder / "images" / f"{stem}.png", rgb)
            if clip.with_gt:
                _write_gt(clip.folder, stem, counts, sigma, border)
            if clip.video_file is not None:
                frames.append(rgb)
            components.append([[round(v, 6) for v in c] for c in comps])
        if clip.video_file is not None:
            write_lossless_video(clip.video_file, frames, fps=30.0)
        manifest["videos"][clip.name] = {
            "split": clip.split, "size": list(clip.size), "n_frames": len(clip.stems), "stems": clip.stems,
            "has_gt": clip.with_gt, "sigma": sigma, "components": components,
        }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return root


def _plan_dhf1k(root, layout, n_videos, n_frames, size, seed, with_video) -> list[_Clip]:
    if n_videos < 3:
        raise ValueError("a synthetic DHF1K dataset needs n_videos >= 3 (train, val and test)")
    n_held = max(1, n_videos // 5)
    n_train = n_videos - 2 * n_held
    rng = np.random.default_rng([seed, LAYOUTS.index(layout), 10**6])
    ids = ([("train", 1 + i) for i in range(n_train)] + [("val", 601 + i) for i in range(n_held)]
           + [("test", 701 + i) for i in range(n_held)])
    clips = []
    for k, (split, video_id) in enumerate(ids):
        name = f"{video_id:04d}"
        place = "annotation" if layout == "dhf1k" else split
        test_index = k - n_train - n_held
        avi_only = layout == "dhf1k" and split == "test" and test_index >= (n_held + 1) // 2
        video_file = root / "video" / f"{video_id:03d}.AVI" if (with_video or avi_only) else None
        count = _n_frames(rng, n_frames)
        clips.append(_Clip(folder=None if avi_only else root / place / name, name=name, split=split, size=size,
                           stems=[f"{i:04d}" for i in range(1, count + 1)], with_gt=split != "test",
                           with_images=not avi_only, video_file=video_file))
    return clips


def _plan_hollywood2(root, layout, n_videos, n_frames, size, seed, with_video) -> list[_Clip]:
    rng = np.random.default_rng([seed, LAYOUTS.index(layout), 10**6])
    n_train = (n_videos + 1) // 2
    clips = []
    for split, phase, folder, numbers in (("train", "train", "training", range(1, n_train + 1)),
                                          ("test", "test", "testing", range(1, n_videos - n_train + 1))):
        numbers = list(numbers)
        for position, clip_no in enumerate(numbers):
            height, width = HOLLYWOOD_SIZES[int(rng.integers(len(HOLLYWOOD_SIZES)))]
            clip_size = (_even(height * size[1] / 720), _even(width * size[1] / 720))
            lacks_first_shot = split == "test" and position == len(numbers) - 1 and position > 0
            n_shots = 12 if position == 0 else int(rng.integers(2 if lacks_first_shot else 1, 5))
            frame_no = 1 if (split == "train" and position == 1) else 3
            for shot in range(1, n_shots + 1):
                length = _n_frames(rng, n_frames)
                if position == 0 and shot == 2:
                    length = 1  # a 1-frame shot
                elif position == 0 and shot == 3:
                    length = min(length, 7)  # a shot under 16 frames
                stems = [f"actionclip{phase}{clip_no:05d}_{frame_no + i:05d}" for i in range(length)]
                frame_no += length + (5 if (position == 0 and shot == 4) else 3)
                if lacks_first_shot and shot == 1:
                    continue  # one clip lacks shot 1 (its numbering still counts the missing frames)
                name = f"actionclip{phase}{clip_no:05d}_{shot}"
                clips.append(_Clip(folder=root / folder / name, name=name, split=split, size=clip_size,
                                   stems=stems, with_gt=True, with_images=True))
    return clips


def _plan_ucf_sports(root, layout, n_videos, n_frames, size, seed, with_video) -> list[_Clip]:
    rng = np.random.default_rng([seed, LAYOUTS.index(layout), 10**6])
    classes = ("Golf-Swing-Back", "Lifting") + tuple(c for c in UCF_CLASSES if c not in ("Golf-Swing-Back", "Lifting"))
    per_class: dict[str, int] = {}
    assignments = []
    for k in range(n_videos):
        cls = classes[k % len(classes)]
        per_class[cls] = per_class.get(cls, 0) + 1
        assignments.append((cls, per_class[cls]))
    n_test = n_videos - (2 * n_videos + 2) // 3
    # the test split takes the lowest numbers per class: number 1 of the first n_test classes
    test = {(cls, 1) for cls, _ in assignments[:n_test]}
    clips = []
    for cls, number in assignments:
        split, folder = ("test", "testing") if (cls, number) in test else ("train", "training")
        height, width = UCF_SIZES[int(rng.integers(len(UCF_SIZES)))]
        clip_size = (_even(height * size[1] / 720), _even(width * size[1] / 720))
        name = f"{cls}-{number:03d}"
        length = _n_frames(rng, n_frames)
        stems = [f"{cls}_{number:03d}_{i:03d}" for i in range(1, length + 1)]
        clips.append(_Clip(folder=root / folder / name, name=name, split=split, size=clip_size, stems=stems,
                           with_gt=True, with_images=True))
    return clips


def density(root: str | Path, video: str, index: int) -> np.ndarray:
    """The true fixation density (float64 (H, W), summing to 1) of frame ``index`` of a synthetic ``video``."""
    manifest_path = Path(root) / MANIFEST
    if not manifest_path.is_file():
        raise DatasetError(f"{manifest_path} is missing: {root} is not a synthetic dataset")
    info = json.loads(manifest_path.read_text())["videos"].get(video)
    if info is None:
        raise DatasetError(f"no video {video!r} in {manifest_path}")
    height, width = info["size"]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    out = np.zeros((height, width))
    for x, y, sx, sy, weight in info["components"][index]:
        g = np.exp(-0.5 * (((xx - x) / sx) ** 2 + ((yy - y) / sy) ** 2))
        if g.sum() > 0:
            out += weight * g / g.sum()
    return out / out.sum()
