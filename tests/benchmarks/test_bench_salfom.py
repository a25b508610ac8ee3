"""SalFoM speed on the CPU: the tiny configuration through the whole predictor, and one full-size clip.

The full-size forward (about 3 TFLOP, tens of seconds on 2 cores) is marked slow; the default test run covers the
same code in tests/test_salfom.py. Run it with
``python -m pytest tests/benchmarks/test_bench_salfom.py -m slow --benchmark-enable``.
"""

import numpy as np
import pytest
import torch

from predictors.salfom import OFFICIAL, SalFoM
from predictors.salfom.predictor import make_salfom_tiny as salfom_tiny
from predictors.salfom.weights import seeded_state_dict

N_FRAMES = 32


class ArrayVideo:
    def __init__(self, n, size=(180, 320)):
        rng = np.random.default_rng(0)
        self.frames = [rng.integers(0, 256, (*size, 3), dtype=np.uint8) for _ in range(n)]
        self.size = size
        self.name = "bench"

    def __len__(self):
        return len(self.frames)

    def frame(self, i):
        return self.frames[i]


@pytest.mark.parametrize("batch_size", [1, 8])
def test_salfom_tiny_predict_video(benchmark, batch_size):
    predictor = salfom_tiny(batch_size=batch_size)
    video = ArrayVideo(N_FRAMES)
    predictor.network()
    assert benchmark(lambda: len(list(predictor.predict_video(video)))) == N_FRAMES


@pytest.fixture(scope="module")
def official():
    torch.set_num_threads(2)
    model = SalFoM(OFFICIAL).eval()
    model.load_state_dict(seeded_state_dict(model), strict=True)
    return model


@pytest.mark.slow
@pytest.mark.parametrize("attention", ["sdpa", "math"])
def test_official_forward_one_clip(benchmark, official, attention):
    official.set_attention(attention)
    clip = torch.randn(1, 3, 16, 224, 224, generator=torch.Generator().manual_seed(0))

    def forward():
        with torch.inference_mode():
            return official(clip)

    out = benchmark.pedantic(forward, rounds=2, iterations=1, warmup_rounds=0)
    assert out.shape == (1, 224, 224)
