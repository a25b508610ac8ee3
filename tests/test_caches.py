"""The HDF5 caches: quantisation, atomic writes, stale and damaged files, the GT cache."""

import os

import h5py
import numpy as np
import pytest
from PIL import Image

from salbench import data
from salbench.cache import CacheCorrupt
from salbench.cache.ground_truth import GroundTruthCache
from salbench.cache.predictions import PredictionCache, PredictorId, quantize_map


@pytest.fixture()
def val(synthetic_root):
    return data.open_dataset("synthetic", synthetic_root("dhf1k"), "val")


def test_quantize_map_by_hand():
    q, rescaled = quantize_map(np.array([[0.0, 255.0], [17.0, 3.0]]))  # already 8-bit: kept as is
    assert q.tolist() == [[0, 255], [17, 3]] and not rescaled
    q, rescaled = quantize_map(np.array([[10, 20]], dtype=np.int64))
    assert q.tolist() == [[10, 20]] and not rescaled
    # min-max, then floor(255 x + 0.5): x = 0, 0.25, 0.5, 1 -> 0, 64 (63.75), 128 (127.5), 255
    q, rescaled = quantize_map(np.array([[1.0, 1.5, 2.0, 3.0]]))
    assert q.tolist() == [[0, 64, 128, 255]] and rescaled
    q, rescaled = quantize_map(np.full((2, 2), 0.3))  # constant: zeros
    assert q.tolist() == [[0, 0], [0, 0]] and rescaled
    q, _ = quantize_map(np.array([[-1.0, 300.0]]))  # out of 0..255: rescaled
    assert q.tolist() == [[0, 255]]


def test_predictor_id_key_covers_config_and_weights():
    a = PredictorId("m", {"x": 1})
    assert a.key == PredictorId("m", {"x": 1}, label="other").key  # the label does not change the output
    assert a.key != PredictorId("m", {"x": 2}).key
    assert a.key != PredictorId("m", {"x": 1}, weights_sha256="ab").key
    assert a.key != PredictorId("n", {"x": 1}).key


def write_maps(cache, video, maps):
    return cache.write(video, iter(maps))


def test_prediction_cache_roundtrip_and_status(val, tmp_path):
    video = val[0]
    h, w = video.size
    maps = [np.full((h, w), float(i)) + np.arange(w) for i in range(len(video))]
    cache = PredictionCache(tmp_path, "synthetic", "val", PredictorId("ramp", {"a": 1}))
    assert cache.status(video) == "missing"
    write_maps(cache, video, maps)
    assert cache.status(video) == "done"
    stored = cache.read(video)
    assert stored.dtype == np.uint8 and stored.shape == (len(video), h, w)
    assert np.array_equal(stored[0], maps[0].astype(np.uint8))  # integers in 0..255: stored exactly
    assert np.array_equal(cache.read(video, np.array([1, 2])), stored[1:3])
    # float16 storage keeps values
    f16 = PredictionCache(tmp_path, "synthetic", "val", PredictorId("ramp", {"a": 1}), storage="float16")
    write_maps(f16, video, [m / 7 for m in maps])
    assert np.allclose(f16.read(video)[0], maps[0] / 7, rtol=1e-3)
    assert f16.folder != cache.folder


def test_prediction_cache_rejects_bad_maps_and_leaves_no_file(val, tmp_path):
    video = val[0]
    h, w = video.size
    cache = PredictionCache(tmp_path, "synthetic", "val", PredictorId("bad"))
    good = np.zeros((h, w))
    cases = [
        ([good] * (len(video) - 1), "yielded"),
        ([good] * (len(video) + 1), "more maps"),
        ([good, np.full((h, w), np.nan)] + [good] * (len(video) - 2), "frame 1: the map holds non-finite"),
        ([good, np.zeros((h, w + 1))] + [good] * (len(video) - 2), "frame 1: map shape"),
        ([np.zeros(5)] * len(video), "2-D"),
    ]
    for maps, message in cases:
        with pytest.raises(ValueError, match=message):
            write_maps(cache, video, maps)
        assert not cache.path(video.name).exists()
        assert not list(cache.folder.glob(".*tmp*"))  # the temporary file is removed too


def test_damaged_and_stale_prediction_files_are_detected(val, tmp_path):
    video = val[0]
    h, w = video.size
    rng = np.random.default_rng(0)
    cache = PredictionCache(tmp_path, "synthetic", "val", PredictorId("noise"))
    write_maps(cache, video, [rng.random((h, w)) for _ in range(len(video))])
    path = cache.path(video.name)
    # flip bytes inside the compressed data: the Fletcher-32 checksum catches it on read
    with h5py.File(path, "r") as f:
        offset = f["maps"].id.get_chunk_info(1).byte_offset
    raw = bytearray(path.read_bytes())
    for k in range(8):
        raw[offset + 10 + k] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(CacheCorrupt):
        cache.read(video)
    # a truncated file cannot even be opened
    path.write_bytes(bytes(raw[: len(raw) // 3]))
    assert cache.status(video).startswith("invalid")
    with pytest.raises(CacheCorrupt):
        cache.read(video)
    # a file of another predictor copied in place is stale
    other = PredictionCache(tmp_path, "synthetic", "val", PredictorId("other"))
    write_maps(other, video, [np.zeros((h, w))] * len(video))
    path.write_bytes(other.path(video.name).read_bytes())
    assert "predictor_key" in cache.status(video)


def test_ground_truth_cache_equals_the_dataset(val, tmp_path):
    gt = GroundTruthCache(tmp_path, "synthetic", "val")
    for video in val:
        assert gt.ensure(video) == "built"
        assert gt.ensure(video) == "cached"
        frames = np.arange(len(video))
        maps = gt.maps(video, frames)
        fixations = gt.fixations(video)
        for i in frames:
            assert np.array_equal(maps[i], video.gt_map_uint8(int(i)))
            assert np.array_equal(fixations.mask(int(i)), video.fixations(int(i)))
        assert np.array_equal(gt.maps(video, np.array([0, 2])), maps[[0, 2]])


def test_ground_truth_cache_is_rebuilt_when_the_copy_changes(synthetic_root, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(synthetic_root("dhf1k"), root)
    video = data.open_dataset("synthetic", root, "val")[0]
    gt = GroundTruthCache(tmp_path / "cache", "synthetic", "val")
    gt.ensure(video)
    before = video.fingerprint("gt")
    # replace one GT map by an all-black one (a much smaller PNG): the fingerprint changes
    first_map = sorted((root / "annotation" / video.name / "maps").glob("*.png"))[0]
    Image.fromarray(np.zeros(video.size, np.uint8)).save(first_map)
    changed = data.open_dataset("synthetic", root, "val")[0]
    assert changed.fingerprint("gt") != before
    assert gt.ensure(changed).startswith("rebuilt")
    assert not gt.maps(changed, np.array([0]))[0].any()
    assert np.array_equal(gt.maps(changed, np.array([0]))[0], changed.gt_map_uint8(0))


def test_ground_truth_cache_of_a_video_without_any_fixation(tmp_path):
    root = tmp_path / "ds"
    for sub in ("images", "maps", "fixation"):
        (root / "v1" / sub).mkdir(parents=True)
    for i in range(2):
        Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(root / "v1" / "images" / f"{i + 1:04d}.png")
        Image.fromarray(np.full((4, 6), 9, np.uint8)).save(root / "v1" / "maps" / f"{i + 1:04d}.png")
        Image.fromarray(np.zeros((4, 6), np.uint8)).save(root / "v1" / "fixation" / f"{i + 1:04d}.png")
    video = data.open_dataset("folder", root, "test")[0]
    gt = GroundTruthCache(tmp_path / "cache", "folder", "test")
    assert gt.ensure(video) == "built"
    fixations = gt.fixations(video)
    assert len(fixations) == 2 and len(fixations.pixels(1)) == 0 and not fixations.mask(0).any()
    assert gt.maps(video, np.array([0, 1])).tolist() == [[[9] * 6] * 4] * 2


def test_orphaned_temporaries_are_only_those_of_dead_local_processes(tmp_path):
    import subprocess
    import sys

    from salbench.cache.h5io import HOST, orphaned_temporaries, temporary_name

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    mine = temporary_name(tmp_path / "a.h5")
    assert mine.name.startswith(".a.h5.tmp-") and mine.name.endswith(f"-{os.getpid()}")
    files = {name: tmp_path / name for name in (f".a.h5.tmp-{HOST}-{dead_pid}", f".b.h5.tmp-otherhost-{dead_pid}",
                                                 f".c.h5.tmp-{HOST}-{os.getppid()}", mine.name, "d.h5")}
    for path in files.values():
        path.write_bytes(b"x")
    assert orphaned_temporaries(tmp_path) == [files[f".a.h5.tmp-{HOST}-{dead_pid}"]]
