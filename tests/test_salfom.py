"""The SalFoM plug-in: key-for-key architecture, weight loading, the official forward, the inference protocol."""

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from predictors.salfom import OFFICIAL, TINY, CheckpointError, SalFoM, load_salfom_weights, load_umt_encoder
from predictors.salfom.encoder import position_table, sinusoid_table
from predictors.salfom.inference import (
    FrameStore,
    postprocess,
    preprocess_frame,
    quantize_reference,
    to_frame_size,
    window_indices,
)
from predictors.salfom.predictor import SalFoMPredictor
from predictors.salfom.predictor import make_salfom_tiny as salfom_tiny
from predictors.salfom.swin3d import SwinStage3D, shift_mask
from predictors.salfom.weights import seeded_state_dict

FIXTURES = Path(__file__).parent / "fixtures" / "salfom"
SPEC = FIXTURES / "salfom_state_dict.txt"  # a copy of ../shared/specs/salfom_state_dict.txt
FIXTURE = FIXTURES / "official_forward.npz"
torch.set_num_threads(2)


def tiny_model(seed_weights=True):
    model = SalFoM(TINY).eval()
    if seed_weights:
        model.load_state_dict(seeded_state_dict(model), strict=True)
    return model


def random_clips(n, size=64, seed=0):
    return torch.randn(n, 3, 16, size, size, generator=torch.Generator().manual_seed(seed))


# --- architecture -------------------------------------------------------------------------------------------


def spec_entries():
    lines = [line.rstrip("\n").split("\t") for line in SPEC.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return [(key, shape, dtype) for key, shape, dtype in lines]


def test_official_state_dict_equals_the_spec_list_key_for_key():
    model = SalFoM(OFFICIAL)
    ours = [(k, str(tuple(v.shape)), str(v.dtype).removeprefix("torch.")) for k, v in model.state_dict().items()]
    assert ours == spec_entries()
    assert len(ours) == 619
    assert sum(v.numel() for v in model.state_dict().values() if v.is_floating_point()) == 402_945_443


def test_tiny_configuration_keeps_the_key_names():
    tiny_keys = list(tiny_model(False).state_dict())
    assert tiny_keys[0] == "encoder.pos_embed" and tiny_keys[-1] == "final_map.bias"
    assert sum(k.endswith("relative_position_index") for k in tiny_keys) == 3 * TINY.swin_depth
    assert tiny_model(False)(random_clips(1)).shape == (1, 64, 64)


def test_relative_position_index_and_shift_mask_by_hand():
    stage1 = SwinStage3D(16, 8, (2, 1, 1), (2, 1, 1), depth=2, num_heads=2)
    stage3 = SwinStage3D(16, 8, (4, 1, 1), (4, 1, 1), depth=2, num_heads=2)
    assert stage1.layers[0].blocks[0].attn.relative_position_index.tolist() == [[1, 0], [2, 1]]
    assert stage3.layers[0].blocks[0].attn.relative_position_index.tolist() == [[3, 2, 1, 0], [4, 3, 2, 1],
                                                                               [5, 4, 3, 2], [6, 5, 4, 3]]
    assert stage1.layers[0].blocks[1].shift == (1, 0, 0) and stage1.layers[0].blocks[0].shift == (0, 0, 0)
    # D = 8, window 2, shift 1: regions 0 (d < 6), 1 (d = 6), 2 (d = 7); only the last window mixes regions
    mask = shift_mask((8, 2, 2), (2, 1, 1), (1, 0, 0), torch.device("cpu"))
    assert mask.shape == (16, 2, 2)
    last_windows = [3 * 4 + k for k in range(4)]  # window order: d block, then h, w
    for w in range(16):
        want = [[0, -100], [-100, 0]] if w in last_windows else [[0, 0], [0, 0]]
        assert mask[w].tolist() == want


def test_single_token_windows_reduce_to_a_projection_of_v():
    """transformer_3's windows hold one token: attention is proj(v), whatever q, k and the bias table."""
    torch.manual_seed(0)
    stage = SwinStage3D(8, 8, (4, 1, 1), (4, 1, 1), depth=2, num_heads=2).eval()
    x = torch.randn(1, 8, 4, 3, 3)
    block = stage.layers[0].blocks[0]
    tokens = stage.patch_embed(x).permute(0, 2, 3, 4, 1)  # (1, 1, 3, 3, 8)
    v = block.attn.qkv(block.norm1(tokens))[..., 16:]
    expected = tokens + block.attn.proj(v)
    expected = expected + block.mlp(block.norm2(expected))
    with torch.no_grad():
        assert torch.allclose(block(tokens), expected, atol=1e-6)


# --- position table -----------------------------------------------------------------------------------------


def test_sinusoid_table_entries_by_hand():
    table = sinusoid_table(1568, 1024)[0].double()
    assert table[1, 0].item() == pytest.approx(math.sin(1.0), abs=1e-7)
    assert table[1, 1].item() == pytest.approx(math.cos(1.0), abs=1e-7)
    assert table[3, 2].item() == pytest.approx(math.sin(3 / 10000 ** (2 / 1024)), abs=1e-7)
    assert table[1567, 1023].item() == pytest.approx(math.cos(1567 / 10000 ** (1022 / 1024)), abs=1e-7)


def test_temporal_interpolation_from_8_to_16_frames():
    base = sinusoid_table(1568, 1024)[0].reshape(8, 196, 1024).double()
    table = position_table(16, 14, 1024)[0].reshape(16, 196, 1024).double()
    # source coordinate of output i: max(0, i/2 - 0.25)
    assert torch.allclose(table[0], base[0], atol=1e-7)
    assert torch.allclose(table[1], 0.75 * base[0] + 0.25 * base[1], atol=1e-6)
    assert torch.allclose(table[2], 0.25 * base[0] + 0.75 * base[1], atol=1e-6)
    assert torch.allclose(table[9], 0.75 * base[4] + 0.25 * base[5], atol=1e-6)
    assert torch.allclose(table[15], base[7], atol=1e-7)
    assert position_table(16, 4, 64).shape == (1, 256, 64)  # tiny grid: spatial bicubic step first


# --- weights ------------------------------------------------------------------------------------------------


def test_checkpoint_roundtrip_strict_and_identical_outputs(tmp_path):
    a = tiny_model()
    path = tmp_path / "salfom_tiny.pth"
    torch.save(a.state_dict(), path)
    b = tiny_model(seed_weights=False)
    digest = load_salfom_weights(b, path)
    assert len(digest) == 64
    clips = random_clips(2)
    with torch.no_grad():
        assert torch.equal(a(clips), b(clips))
    # wrapped in "state_dict" with DataParallel's "module." prefix: also accepted
    torch.save({"state_dict": {f"module.{k}": v for k, v in a.state_dict().items()}, "epoch": 3}, path)
    load_salfom_weights(tiny_model(False), path)
    with pytest.raises(CheckpointError, match="SHA-256"):
        load_salfom_weights(tiny_model(False), path, sha256="0" * 64)


def test_a_foreign_checkpoint_is_refused_with_the_differences(tmp_path):
    state = tiny_model().state_dict()
    state.pop("conv_9.weight")
    state["extra.weight"] = torch.zeros(3)
    state["conv_8.weight"] = torch.zeros(1, 2, 3, 3)
    path = tmp_path / "bad.pth"
    torch.save(state, path)
    with pytest.raises(CheckpointError) as err:
        load_salfom_weights(tiny_model(False), path)
    message = str(err.value)
    assert "1 missing: conv_9.weight" in message and "1 unexpected: extra.weight" in message
    assert "conv_8.weight: (1, 2, 3, 3) instead of (8, 8, 3, 3)" in message
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a loadable"):
        load_salfom_weights(tiny_model(False), tmp_path / "junk.pth")


def test_umt_checkpoint_loads_into_the_encoder(tmp_path):
    """A UMT-format file: flat fp16, no pos_embed, keys without 'encoder.', wrapped in 'module'."""
    source = tiny_model().encoder.state_dict()
    umt = {k: v.half() for k, v in source.items() if k != "pos_embed"}
    torch.save({"module": umt}, tmp_path / "umt.pth")
    encoder = tiny_model(seed_weights=False).encoder
    load_umt_encoder(encoder, tmp_path / "umt.pth")
    loaded = encoder.state_dict()
    assert loaded["pos_embed"].dtype == torch.float32
    assert torch.equal(loaded["pos_embed"], position_table(16, TINY.grid, TINY.embed_dim))
    for key, value in umt.items():
        assert loaded[key].dtype == torch.float32 and torch.equal(loaded[key], value.float())
    torch.save({f"backbone.{k}": v for k, v in umt.items() if "head" not in k}, tmp_path / "partial.pth")
    with pytest.raises(CheckpointError, match="missing: head.weight"):
        load_umt_encoder(encoder, tmp_path / "partial.pth")


def test_a_changed_position_table_is_used_and_warned_about(tmp_path):
    state = tiny_model().state_dict()
    state["encoder.pos_embed"] = state["encoder.pos_embed"] + 1e-3
    torch.save(state, tmp_path / "p.pth")
    model = tiny_model(False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_salfom_weights(model, tmp_path / "p.pth")
    assert any("pos_embed differs" in str(w.message) for w in caught)
    assert torch.equal(model.encoder.pos_embed, state["encoder.pos_embed"])


# --- forward: fast path and the official model -------------------------------------------------------------


def test_fast_path_equals_the_reference_math_and_batches_are_independent():
    model = tiny_model()
    clips = random_clips(3, seed=5)
    with torch.no_grad():
        model.set_attention("math")
        reference = model(clips)
        single = torch.cat([model(clips[i:i + 1]) for i in range(3)])
        model.set_attention("sdpa")
        fast = model(clips)
    assert (fast - reference).abs().max().item() <= 1e-4
    assert (single - reference).abs().max().item() <= 1e-5


def test_full_size_model_equals_the_official_forward():
    """The official network (run once outside the repository, tests/fixtures/salfom/make_official_fixture.py) with
    seeded weights on a seeded clip; salbench's model with the same weights, in float32, math attention."""
    fixture = np.load(FIXTURE)
    model = SalFoM(OFFICIAL, attention="math").eval()
    model.load_state_dict(seeded_state_dict(model), strict=True)
    pos = model.encoder.pos_embed[0, fixture["pos_rows"]].numpy()
    assert np.abs(pos - fixture["pos_values"]).max() <= 1e-7
    clip = torch.randn(1, 3, 16, 224, 224, generator=torch.Generator().manual_seed(int(fixture["input_seed"])))
    captured = {}
    model.encoder.register_forward_hook(lambda module, args, out: captured.setdefault("tokens", out))
    with torch.no_grad():
        out = model(clip)[0].numpy()
    tokens = captured["tokens"][0]
    assert np.abs(tokens[:4, :16].numpy() - fixture["tokens_first"]).max() <= 1e-4
    assert np.abs(tokens[-4:, -16:].numpy() - fixture["tokens_last"]).max() <= 1e-4
    assert out.shape == (224, 224)
    assert np.abs(out - fixture["output"]).max() <= 1e-5


# --- inference protocol -------------------------------------------------------------------------------------


def test_window_construction_for_the_first_frames():
    assert window_indices(0) == [0] * 16
    assert window_indices(3) == [0] * 13 + [1, 2, 3]
    assert window_indices(15) == list(range(16))
    assert window_indices(20) == list(range(5, 21))


def test_preprocessing_equals_torchvision():
    from PIL import Image
    from torchvision import transforms

    rgb = np.random.default_rng(0).integers(0, 256, (90, 160, 3), dtype=np.uint8)
    reference = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor(),
                                    transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    assert torch.equal(preprocess_frame(rgb, 64), reference(Image.fromarray(rgb)))


def gaussian_blur_reference(image):
    """11-tap Gaussian, sigma 0.3*((11-1)/2 - 1) + 0.8 = 2, separable, reflect-101 border (numpy's 'reflect')."""
    x = np.arange(-5, 6)
    kernel = np.exp(-x ** 2 / (2 * 2.0 ** 2))
    kernel /= kernel.sum()
    padded = np.pad(image.astype(np.float64), 5, mode="reflect")
    rows = sum(kernel[i] * padded[:, i:i + image.shape[1]] for i in range(11))
    return sum(kernel[i] * rows[i:i + image.shape[0], :] for i in range(11))


def test_resize_and_blur_against_an_independent_computation():
    from salbench.metrics import imresize

    saliency = np.random.default_rng(1).random((64, 64)).astype(np.float32)
    blurred = to_frame_size(saliency, (90, 160))
    resized = imresize(saliency.astype(np.float64), (90, 160), method="bilinear", antialias=False)
    assert blurred.dtype == np.float32 and blurred.shape == (90, 160)
    assert np.abs(blurred - gaussian_blur_reference(resized)).max() <= 1e-5


def test_reference_quantisation_by_hand():
    # min 0, max 1: x = values; q = round_half_even(clip(255 x + 0.5, 0, 255))
    values = np.array([[0.0, 1.0, 2 / 255, 3 / 255, 0.5, 0.1]], dtype=np.float32)
    q = quantize_reference(values)
    # 255x integer n: n + 0.5 rounds to even -> n for even n, n + 1 for odd n; 127.5 + 0.5 = 128; 25.5 + 0.5 = 26
    assert q.tolist() == [[0.0, 255.0, 2.0, 4.0, 128.0, 26.0]]
    assert quantize_reference(np.full((2, 2), 0.7, np.float32)).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    scaled = quantize_reference(values * 3 + 1)  # min-max normalisation first: the same levels (to rounding)
    assert np.abs(scaled - q).max() <= 1
    assert postprocess(np.ones((64, 64), np.float32), (32, 48), "float").shape == (32, 48)


class CountingVideo:
    def __init__(self, frames):
        self.frames = frames
        self.reads = []
        self.size = frames[0].shape[:2]
        self.name = "v"

    def __len__(self):
        return len(self.frames)

    def frame(self, i):
        self.reads.append(i)
        return self.frames[i]


def video_of(n, size=(36, 48), seed=0):
    rng = np.random.default_rng(seed)
    return CountingVideo([rng.integers(0, 256, (*size, 3), dtype=np.uint8) for _ in range(n)])


def test_frames_are_preprocessed_once_and_clips_are_the_windows():
    video = video_of(20)
    store = FrameStore(video, 64)
    clips = torch.cat([store.clips(list(range(s, min(20, s + 3)))) for s in range(0, 20, 3)])
    assert sorted(video.reads) == list(range(20))  # each frame read once
    frames = torch.stack([preprocess_frame(f, 64) for f in video.frames])
    for t in (0, 3, 17):
        assert torch.equal(clips[t], frames[window_indices(t)].permute(1, 0, 2, 3))


def test_salfom_tiny_predicts_every_frame_as_the_reference_pipeline():
    video = video_of(5)
    predictor = salfom_tiny(batch_size=2)
    maps = list(predictor.predict_video(video))
    assert len(maps) == 5 and all(m.shape == (36, 48) and m.dtype == np.float32 for m in maps)
    assert all(m.min() == 0 and m.max() == 255 and np.array_equal(m, np.round(m)) for m in maps)
    # frame 2 by hand: the clip [0]*14 + [1, 2] through the network, then resize, blur, quantise
    clip = torch.stack([preprocess_frame(video.frames[i], 64) for i in [0] * 14 + [1, 2]], dim=1)[None]
    with torch.no_grad():
        saliency = predictor.network()(clip)[0].numpy()
    assert np.array_equal(maps[2], quantize_reference(to_frame_size(saliency, (36, 48))))
    assert predictor.config["precision"] == "float32" and predictor.weights_sha256 is None


def test_predictor_options_and_errors(tmp_path):
    with pytest.raises(ValueError, match="needs its weights"):
        SalFoMPredictor()
    with pytest.raises(ValueError, match="no weights file"):
        SalFoMPredictor(weights=tmp_path / "missing.pth")
    with pytest.raises(ValueError, match="dtype"):
        salfom_tiny(dtype="int8")
    path = tmp_path / "tiny.pth"
    torch.save(tiny_model().state_dict(), path)
    from_file = salfom_tiny(weights=str(path))
    assert len(from_file.weights_sha256) == 64 and from_file.config["weights"] == "file"
    with pytest.raises(ValueError, match="expected"):
        salfom_tiny(weights=str(path), sha256="ab" * 32)
    video = video_of(3)
    assert np.array_equal(next(from_file.predict_video(video)), next(salfom_tiny().predict_video(video)))
    bf16 = list(salfom_tiny(dtype="bfloat16").predict_video(video))  # autocast on the CPU
    assert len(bf16) == 3 and salfom_tiny(dtype="bfloat16").config != salfom_tiny().config


def test_flops_per_predicted_frame():
    from predictors.salfom.model import flops_per_clip

    flops = flops_per_clip(OFFICIAL)
    assert flops["total"] == pytest.approx(3.04e12, rel=0.01)  # salfom.md section 7
    assert flops["encoder"] == pytest.approx(2.87e12, rel=0.01)
    assert 0 < flops_per_clip(TINY)["total"] < 1e10


def test_benchmark_script_on_the_tiny_configuration(capsys):
    from predictors.salfom.benchmark import main, run_benchmark

    rows = run_benchmark(device="cpu", dtypes=("float32", "bfloat16"), batch_size=2, rounds=1, warmup=0, tiny=True)
    assert [r["dtype"] for r in rows] == ["float32", "bfloat16"]
    assert rows[0]["frames_per_s"] > 0 and "max_abs_diff" not in rows[0]
    assert 0 < rows[1]["max_abs_diff"] < 0.1 and rows[1]["cc"] > 0.99  # bf16 autocast stays close to float32
    main(["--tiny", "--device", "cpu", "--rounds", "1", "--warmup", "0", "--dtypes", "float32"])
    assert "frames/s" in capsys.readouterr().out
