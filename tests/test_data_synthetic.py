"""The synthetic look-alike generator: structure, determinism, and GT made the way DHF1K's is."""

import json
import math

import numpy as np
import pytest
import scipy.io

from salbench import data
from salbench.data import synthetic


def test_gt_map_has_fwhm_30_px_at_width_640():
    counts = np.zeros((121, 161), dtype=np.int64)
    counts[60, 80] = 1
    sigma = 30 * synthetic.FWHM_TO_SIGMA  # DHF1K: FWHM 30 px at 640x360
    gt = synthetic.gt_map_from_counts(counts, sigma, "constant")
    assert gt[60, 80] == 255
    # half maximum at 15 px from the centre: 127.5, quantised to 127 or 128
    assert gt[60, 95] in (127, 128) and gt[75, 80] in (127, 128)
    # the blurred map is a Gaussian: value at d px is round(255*exp(-d^2/(2 sigma^2)))
    assert gt[60, 80 + 20] == math.floor(255 * math.exp(-(20**2) / (2 * sigma**2)) + 0.5)
    assert not synthetic.gt_map_from_counts(np.zeros((5, 5), dtype=np.int64), 3.0, "constant").any()


def test_dhf1k_tree_has_the_real_structure(synthetic_root):
    root = synthetic_root("dhf1k")
    assert sorted(p.name for p in (root / "annotation").iterdir()) == [
        "0001", "0002", "0003", "0004", "0005", "0006", "0601", "0602", "0701"]
    assert sorted(p.name for p in (root / "video").iterdir()) == ["702.AVI"]  # the second test video: AVI only
    video = root / "annotation" / "0601"
    n = len(list((video / "maps").iterdir()))
    assert sorted(p.name for p in (video / "images").iterdir())[:2] == ["0001.png", "0002.png"]
    assert len(list((video / "fixation").glob("*.png"))) == n and (video / "fixation" / "maps").is_dir()
    mat = scipy.io.loadmat(video / "fixation" / "maps" / "0001.mat")["I"]
    assert mat.dtype == np.uint8 and mat.shape == (36, 64) and set(np.unique(mat)) <= {0, 1}
    assert not (root / "annotation" / "0701" / "maps").exists()


def test_manifest_counts_and_density(synthetic_root):
    root = synthetic_root("dhf1k")
    manifest = json.loads((root / synthetic.MANIFEST).read_text())
    for split in ("train", "val", "test"):
        ds = data.open_dataset("synthetic", root, split)
        expected = {name: info["n_frames"] for name, info in manifest["videos"].items() if info["split"] == split}
        assert {v.name: len(v) for v in ds} == expected
    dens = synthetic.density(root, "0601", 2)
    assert dens.shape == (36, 64) and math.isclose(dens.sum(), 1.0, rel_tol=1e-12) and (dens >= 0).all()


def test_observers_and_the_designated_empty_frame(synthetic_root):
    root = synthetic_root("dhf1k")
    manifest = json.loads((root / synthetic.MANIFEST).read_text())
    empty = manifest["empty_frame"]
    ds = data.open_dataset("synthetic", root, "train")
    counts = []
    for v in ds:
        for i in range(len(v)):
            fix = v.fixations(i)
            if (v.name, i) == (empty["video"], empty["frame"]):
                assert not fix.any() and not v.gt_map(i).any()
            else:
                counts.append(int(fix.sum()))
                assert v.gt_map_uint8(i).max() == 255
    # 17 observers, 5% blinks, a few off-frame or coinciding: about 12-17 fixated pixels per frame
    assert 10 <= np.mean(counts) <= 17


def test_generator_is_deterministic_and_stable_in_n_videos(tmp_path):
    kwargs = dict(layout="dhf1k", n_frames=3, size=(24, 40), seed=7)
    a = data.make_synthetic(tmp_path / "a", n_videos=3, **kwargs)
    b = data.make_synthetic(tmp_path / "b", n_videos=3, **kwargs)
    c = data.make_synthetic(tmp_path / "c", n_videos=6, **kwargs)
    d = data.make_synthetic(tmp_path / "d", n_videos=3, **{**kwargs, "seed": 8})
    for sub in ("images/0002.png", "maps/0002.png", "fixation/0003.png"):
        assert (a / "annotation/0001" / sub).read_bytes() == (b / "annotation/0001" / sub).read_bytes()
        assert (a / "annotation/0001" / sub).read_bytes() == (c / "annotation/0001" / sub).read_bytes()
    assert (a / "annotation/0001/images/0001.png").read_bytes() != (d / "annotation/0001/images/0001.png").read_bytes()
    mat_a = scipy.io.loadmat(a / "annotation/0001/fixation/maps/0002.mat")["I"]
    mat_b = scipy.io.loadmat(b / "annotation/0001/fixation/maps/0002.mat")["I"]
    np.testing.assert_array_equal(mat_a, mat_b)


@pytest.mark.parametrize("layout", ["hollywood2", "ucf_sports"])
def test_other_layouts_use_real_sizes_scaled(synthetic_root, layout):
    root = synthetic_root(layout)
    manifest = json.loads((root / synthetic.MANIFEST).read_text())
    sizes = {tuple(info["size"]) for info in manifest["videos"].values()}
    real = synthetic.HOLLYWOOD_SIZES if layout == "hollywood2" else synthetic.UCF_SIZES
    allowed = {(synthetic._even(h * 64 / 720), synthetic._even(w * 64 / 720)) for h, w in real}
    assert sizes <= allowed and all(h % 2 == 0 and w % 2 == 0 for h, w in sizes)


def test_bad_arguments():
    with pytest.raises(ValueError, match="layout"):
        data.make_synthetic("/nonexistent-never-created", layout="mit1003")
    with pytest.raises(ValueError, match="n_videos >= 3"):
        data.make_synthetic("/nonexistent-never-created", n_videos=2)
