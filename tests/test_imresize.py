"""imresize beyond the MATLAB oracles (in test_metrics_oracles.py): OpenCV equality, dtypes, boundaries."""

import cv2
import numpy as np
import pytest

from salbench.metrics import imresize


@pytest.mark.parametrize("shape", [(20, 30), (74, 106), (50, 20), (37, 53), (1, 7)])
def test_bilinear_without_antialias_equals_opencv_inter_linear(shape):
    x = np.random.default_rng(0).random((37, 53))
    ours = imresize(x, shape, method="bilinear", antialias=False)
    theirs = cv2.resize(x, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_float_path_keeps_overshoot_and_dtype():
    x = np.zeros((8, 8))
    x[3:5, 3:5] = 1.0
    up = imresize(x, (16, 16))
    assert up.dtype == np.float64 and up.min() < 0 and up.max() > 1  # bicubic ringing, no clamping
    assert imresize(x.astype(np.float32), (16, 16)).dtype == np.float32
    np.testing.assert_allclose(imresize(x.astype(np.float32), (16, 16)), up.astype(np.float32))


def test_constant_image_stays_constant_and_weights_sum_to_one():
    for shape in [(3, 5), (11, 17), 0.37, 2.5]:
        out = imresize(np.full((7, 9), 4.25), shape)
        np.testing.assert_allclose(out, 4.25, rtol=1e-14)


def test_boundary_modes_differ_only_near_borders():
    x = np.random.default_rng(1).random((40, 40))
    sym = imresize(x, 0.5)
    rep = imresize(x, 0.5, boundary="replicate")
    assert not np.array_equal(sym, rep)
    np.testing.assert_array_equal(sym[3:-3, 3:-3], rep[3:-3, 3:-3])


def test_uint8_rounds_and_saturates_after_each_pass():
    x = np.zeros((6, 6), dtype=np.uint8)
    x[2:4, 2:4] = 255
    out = imresize(x, (12, 12))
    assert out.dtype == np.uint8
    assert out.max() == 255 and out.min() == 0  # overshoot saturated, undershoot clipped at 0


def test_bool_and_three_channel_images():
    mask = np.zeros((10, 10), dtype=bool)
    mask[2:8, 2:8] = True
    out = imresize(mask, (20, 20))
    assert out.dtype == bool and out[5:15, 5:15].all() and not out[:2].any()
    rgb = np.random.default_rng(2).integers(0, 256, (9, 12, 3), dtype=np.uint8)
    both = imresize(rgb, (5, 7))
    assert both.shape == (5, 7, 3)
    for c in range(3):
        np.testing.assert_array_equal(both[:, :, c], imresize(rgb[:, :, c], (5, 7)))


def test_nearest_picks_source_pixels():
    x = np.arange(12.0).reshape(3, 4)
    out = imresize(x, (6, 8), method="nearest")
    np.testing.assert_array_equal(out, np.repeat(np.repeat(x, 2, axis=0), 2, axis=1))


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((np.ones(5), (2, 2)), {}, "2-D"),
        ((np.ones((4, 4)), (0, 2)), {}, "positive ints"),
        ((np.ones((4, 4)), -1.0), {}, "positive finite"),
        ((np.ones((4, 4)), (2, 2)), {"method": "lanczos9"}, "unknown method"),
        ((np.ones((4, 4)), (2, 2)), {"boundary": "wrap"}, "unknown boundary"),
    ],
)
def test_bad_arguments_raise_clear_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        imresize(*args, **kwargs)
