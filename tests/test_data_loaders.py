"""Dataset loaders on synthetic trees and small hand-made trees: layouts, ordering, and every error path."""

import shutil

import numpy as np
import pytest
from PIL import Image

from salbench import data
from salbench.data import DatasetError


def test_list_datasets_and_cards():
    assert {"dhf1k", "hollywood2", "ucf_sports", "synthetic", "folder"} <= set(data.list_datasets())
    card = data.load_card("dhf1k")
    assert card.split("val").ids == (601, 700) and card.split("val").n_frames == 60273
    assert card.split("test").has_gt is False and card.frame_size == (360, 640) and card.fps == 30.0
    assert data.load_card("hollywood2").split("test").n_shots == 3558
    assert data.load_card("ucf_sports").split("train").n_videos == 103
    with pytest.raises(ValueError, match=r"no split 'val'.*\['test', 'train'\]"):
        data.load_card("hollywood2").split("val")


def test_dhf1k_official_layout(synthetic_root):
    root = synthetic_root("dhf1k")
    val = data.open_dataset("synthetic", root, "val")
    assert val.names == ["0601", "0602"] and val.layout == "official"
    v = val["0601"]
    assert v.has_gt and v.size == (36, 64) and v.fps == 30.0 and v.group == "0601"
    frame, gt, fix = v.frame(0), v.gt_map(0), v.fixations(0)
    assert frame.dtype == np.uint8 and frame.shape == (36, 64, 3)
    assert gt.dtype == np.float32 and 0.0 <= gt.min() and gt.max() == 1.0
    assert fix.dtype == bool and fix.shape == (36, 64)
    np.testing.assert_array_equal(v.gt_map_uint8(0) / np.float32(255), gt)
    assert v.frame(-1).shape == (36, 64, 3)
    with pytest.raises(IndexError, match="out of range"):
        v.frame(len(v))
    png = data.open_dataset("synthetic", root, "val", fixations="png")["0601"]
    for i in range(len(v)):
        np.testing.assert_array_equal(png.fixations(i), v.fixations(i))
        assert v.fixation_disagreements(i) == 0
    # the .mat files are preferred when they exist (what the official evaluation reads)
    assert v.provenance["fixation_source"] == "mat" and png.provenance["fixation_source"] == "png"
    assert v.provenance["frame_source"] == "png"


def test_dhf1k_test_split_without_gt_and_avi_only_video(synthetic_root):
    root = synthetic_root("dhf1k")
    test = data.open_dataset("synthetic", root, "test")
    assert test.names == ["0701", "0702"] and not any(v.has_gt for v in test)
    avi = test["0702"]
    assert avi.provenance["frame_source"] == "pyav" and len(avi) >= 4 and avi.frame(0).shape == (36, 64, 3)
    with pytest.raises(DatasetError, match="no ground truth for split test"):
        avi.gt_map(0)


def test_pyav_frames_equal_the_pngs(synthetic_root):
    root = synthetic_root("dhf1k", with_video=True)
    pngs = data.open_dataset("synthetic", root, "train")
    decoded = data.open_dataset("synthetic", root, "train", layout="raw-video")
    for v_png, v_avi in zip(pngs, decoded):
        assert v_avi.provenance["frame_source"] == "pyav"
        for i in (0, 2, 1, len(v_png) - 1):  # includes going backwards (reopens the file)
            np.testing.assert_array_equal(v_avi.frame(i), v_png.frame(i))


def test_dhf1k_split_layout(synthetic_root):
    root = synthetic_root("dhf1k_split")
    assert (root / "val" / "0601" / "maps").is_dir() and not (root / "annotation").exists()
    val = data.open_dataset("synthetic", root, "val")
    assert val.layout == "split" and val.names == ["0601", "0602"]
    assert not data.open_dataset("synthetic", root, "test")[0].has_gt


def test_hollywood2_shots(synthetic_root):
    root = synthetic_root("hollywood2")
    train = data.open_dataset("hollywood2", root, "train")
    names = train.names
    assert names[:12] == [f"actioncliptrain00001_{k}" for k in range(1, 13)]  # _10 after _9
    assert {v.group for v in train} == {f"actioncliptrain{n:05d}" for n in range(1, 6)}
    lengths = [len(v) for v in train]
    assert 1 in lengths and min(lengths) < 16
    shot = train["actioncliptrain00001_3"]
    files = sorted((shot.location / "maps").iterdir())
    assert files[0].name != "actioncliptrain00001_00001.png"  # numbers continue the clip's numbering
    first_shot = train["actioncliptrain00001_1"]
    assert sorted(p.name for p in (first_shot.location / "images").iterdir())[0] == "actioncliptrain00001_00003.png"
    test = data.open_dataset("hollywood2", root, "test")
    last_clip = max(v.group for v in test)
    assert f"{last_clip}_1" not in test.names and f"{last_clip}_2" in test.names
    sizes = {v.size for v in test}
    assert len(sizes) >= 1 and all(v.frame(0).shape[:2] == v.size for v in test)
    with pytest.raises(ValueError, match="no split 'val'"):
        data.open_dataset("hollywood2", root, "val")


def test_ucf_sports_clips(synthetic_root):
    root = synthetic_root("ucf_sports")
    test = data.open_dataset("ucf_sports", root, "test")
    assert "Golf-Swing-Back-001" in test.names and "Lifting-001" in test.names
    v = test["Golf-Swing-Back-001"]
    assert v.category == "Golf-Swing-Back" and v.group == "Golf-Swing-Back-001"
    assert sorted(p.name for p in (v.location / "maps").iterdir())[0] == "Golf-Swing-Back_001_001.png"
    assert len(data.open_dataset("ucf_sports", root, "train")) == 7


# --- hand-made trees and damaged copies -----------------------------------------------------------------


def _tree(tmp_path, source):
    """A private copy of a synthetic tree, to damage."""
    target = tmp_path / "copy"
    shutil.copytree(source, target)
    return target


def test_missing_map_names_the_path(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    (root / "annotation/0601/maps/0002.png").unlink()
    with pytest.raises(DatasetError, match=r"0601/fixation/0002\.png has no GT map"):
        data.open_dataset("synthetic", root, "val")


def test_missing_fixation_and_frame_name_the_path(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    (root / "annotation/0601/fixation/0003.png").unlink()
    with pytest.raises(DatasetError, match=r"0601/maps/0003\.png has no fixation PNG"):
        data.open_dataset("synthetic", root, "val")
    root2 = _tree(tmp_path / "b", synthetic_root("dhf1k"))
    (root2 / "annotation/0601/images/0001.png").rename(root2 / "annotation/0601/images/frame0.png")
    with pytest.raises(DatasetError, match=r"maps/0001\.png has no frame image.*expected a file named 0001"):
        data.open_dataset("synthetic", root2, "val")


def test_corrupted_png_is_reported_on_access(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    (root / "annotation/0601/maps/0002.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    v = data.open_dataset("synthetic", root, "val")["0601"]
    v.gt_map(0)
    with pytest.raises(DatasetError, match=r"unreadable image .*0601/maps/0002\.png"):
        v.gt_map(1)


def test_size_mismatch_names_both_files(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    Image.new("RGB", (32, 18)).save(root / "annotation/0601/images/0002.png")
    v = data.open_dataset("synthetic", root, "val")["0601"]
    with pytest.raises(DatasetError, match=r"images/0002\.png.*\(18, 32\).*maps/0001\.png.*\(36, 64\)"):
        v.frame(1)


def test_wrong_split_empty_root_and_ambiguous_copy(synthetic_root, tmp_path):
    with pytest.raises(DatasetError, match=r"no split 'dev'.*datasets/dhf1k\.toml.*\['test', 'train', 'val'\]"):
        data.open_dataset("dhf1k", tmp_path, "dev")
    with pytest.raises(DatasetError, match=r"no video of split 'val' \(ids 0601-0700\)"):
        data.open_dataset("dhf1k", tmp_path, "val")
    with pytest.raises(DatasetError, match="missing dataset root folder"):
        data.open_dataset("dhf1k", tmp_path / "absent", "val")
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    shutil.copytree(root / "annotation/0601", root / "val/0601")
    with pytest.raises(DatasetError, match=r"video 0601 found twice"):
        data.open_dataset("synthetic", root, "val")
    (tmp_path / "h2" / "training" / "notashot").mkdir(parents=True)
    with pytest.raises(DatasetError, match=r"unexpected folder .*notashot"):
        data.open_dataset("hollywood2", tmp_path / "h2", "train")
    with pytest.raises(DatasetError, match=r"missing folder .*testing"):
        data.open_dataset("hollywood2", tmp_path / "h2", "test")


def test_empty_video_folder_names_the_missing_folder(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    shutil.rmtree(root / "annotation/0602")
    (root / "annotation/0602").mkdir()
    with pytest.raises(DatasetError, match=r"missing folder: .*annotation/0602/maps"):
        data.open_dataset("synthetic", root, "val")
    (root / "annotation/0602/maps").mkdir()
    with pytest.raises(DatasetError, match=r"no GT map PNGs in .*annotation/0602/maps"):
        data.open_dataset("synthetic", root, "val")


def test_fixations_alias_and_fixation_maps_not_counted(synthetic_root, tmp_path):
    root = _tree(tmp_path, synthetic_root("dhf1k"))
    (root / "annotation/0601/fixation").rename(root / "annotation/0601/fixations")
    v = data.open_dataset("synthetic", root, "val")["0601"]
    n_maps = len(list((root / "annotation/0601/maps").iterdir()))
    assert len(v) == n_maps and v.fixations(0).shape == (36, 64)


def test_generic_folder_layout(tmp_path):
    rng = np.random.default_rng(0)
    for video, n in (("clipB", 3), ("clipA", 2)):
        for sub in ("images", "maps", "fixation"):
            (tmp_path / video / sub).mkdir(parents=True)
        for i in range(n):
            folder = tmp_path / video
            Image.fromarray(rng.integers(0, 256, (10, 12, 3), dtype=np.uint8)).save(folder / "images" / f"{i}.png")
            Image.fromarray(rng.integers(0, 256, (10, 12), dtype=np.uint8)).save(folder / "maps" / f"{i}.png")
            fixated = (rng.random((10, 12)) > 0.9).astype(np.uint8) * 255
            Image.fromarray(fixated).save(folder / "fixation" / f"{i}.png")
    (tmp_path / "clipA" / "images" / ".hidden.png").write_bytes(b"")
    (tmp_path / "clipA" / "images" / "notes.txt").write_text("ignored")
    ds = data.open_dataset("folder", tmp_path, "test", fps=25.0)
    assert ds.names == ["clipA", "clipB"] and [len(v) for v in ds] == [2, 3] and ds[0].fps == 25.0
    assert ds["clipB"].gt_map(2).shape == (10, 12)
