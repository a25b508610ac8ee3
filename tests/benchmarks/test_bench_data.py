"""Reading speed of ground truth: every GT map and fixation PNG of a synthetic 640x360 DHF1K video.

frames/s = 30 / (time per round); PNG decoding should dominate, not Python.
"""

import pytest

from salbench import data

N_FRAMES = 30


@pytest.fixture(scope="module")
def video_root(tmp_path_factory):
    return data.make_synthetic(tmp_path_factory.mktemp("bench"), n_videos=3, n_frames=N_FRAMES, size=(360, 640))


def read_all_gt(root):
    video = data.open_dataset("synthetic", root, "val")[0]  # a fresh Video: nothing cached
    for i in range(len(video)):
        video.gt_map_uint8(i)
        video.fixations(i)
    return len(video)


def read_all_gt_mat(root):
    video = data.open_dataset("synthetic", root, "val", fixations="mat")[0]
    for i in range(len(video)):
        video.gt_map_uint8(i)
        video.fixations(i)
    return len(video)


def test_read_gt_maps_and_fixation_pngs(benchmark, video_root):
    assert benchmark(read_all_gt, video_root) == N_FRAMES


def test_read_gt_maps_and_fixation_mats(benchmark, video_root):
    assert benchmark(read_all_gt_mat, video_root) == N_FRAMES
