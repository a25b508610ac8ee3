"""Throughput and precision of the SalFoM network on this machine (one predicted frame = one clip).

    python -m predictors.salfom.benchmark --device cuda --batch-size 8 --dtypes float32 bfloat16

For each dtype it times ``--rounds`` forwards of ``--batch-size`` seeded clips (after ``--warmup`` forwards),
prints frames/s and ms per frame, and compares every 16-bit output with the float32 one (max |diff| and the
Pearson CC between the maps). Seeded weights (:func:`~predictors.salfom.weights.seeded_state_dict`) or
``--weights`` (an official checkpoint). ``--tiny`` uses the toy configuration (a quick check on a CPU).
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Sequence

import numpy as np
import torch

from .config import OFFICIAL, TINY
from .model import SalFoM, flops_per_clip
from .predictor import DTYPES, resolve_device
from .weights import load_salfom_weights, seeded_state_dict


def run_benchmark(*, device: str = "auto", dtypes: Sequence[str] = ("float32", "bfloat16"), batch_size: int = 1,
                  rounds: int = 5, warmup: int = 2, attention: str = "sdpa", tiny: bool = False,
                  weights: str | None = None, compile: bool = False, seed: int = 0) -> list[dict[str, float]]:
    """One row per dtype: ``dtype``, ``ms_per_frame``, ``frames_per_s``, ``tflops`` (achieved), and for 16-bit
    dtypes ``max_abs_diff`` and ``cc`` against float32."""
    config = TINY if tiny else OFFICIAL
    target = resolve_device(device)
    model = SalFoM(config, attention=attention).eval()
    if weights:
        load_salfom_weights(model, weights)
    else:
        model.load_state_dict(seeded_state_dict(model), strict=True)
    model = model.to(target)
    network = torch.compile(model) if compile and target.type == "cuda" else model
    clips = torch.randn(batch_size, 3, 16, config.img_size, config.img_size,
                        generator=torch.Generator().manual_seed(seed)).to(target)
    flops = flops_per_clip(config)["total"]
    rows, reference = [], None
    for dtype in dtypes:
        autocast = (contextlib.nullcontext() if dtype == "float32"
                    else torch.autocast(device_type=target.type, dtype=DTYPES[dtype]))
        with torch.inference_mode(), autocast:
            for _ in range(warmup):
                out = network(clips)
            if target.type == "cuda":
                torch.cuda.synchronize(target)
            start = time.perf_counter()
            for _ in range(rounds):
                out = network(clips)
            if target.type == "cuda":
                torch.cuda.synchronize(target)
            seconds = (time.perf_counter() - start) / (rounds * batch_size)
        maps = out.float().cpu().numpy()
        row = {"dtype": dtype, "ms_per_frame": 1e3 * seconds, "frames_per_s": 1 / seconds,
               "tflops": flops / seconds / 1e12}
        if dtype == "float32":
            reference = maps
        elif reference is not None:
            row["max_abs_diff"] = float(np.abs(maps - reference).max())
            row["cc"] = float(np.corrcoef(maps.ravel(), reference.ravel())[0, 1])
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m predictors.salfom.benchmark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda:N")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"], choices=list(DTYPES))
    parser.add_argument("--batch-size", type=int, default=1, help="clips per forward (default: 1)")
    parser.add_argument("--rounds", type=int, default=5, help="timed forwards per dtype (default: 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed forwards first (default: 2)")
    parser.add_argument("--attention", choices=("sdpa", "math"), default="sdpa")
    parser.add_argument("--tiny", action="store_true", help="the toy configuration instead of the official one")
    parser.add_argument("--weights", help="an official-format checkpoint (default: seeded weights)")
    parser.add_argument("--compile", action="store_true", help="torch.compile the network (CUDA only)")
    args = parser.parse_args(argv)
    rows = run_benchmark(device=args.device, dtypes=args.dtypes, batch_size=args.batch_size, rounds=args.rounds,
                         warmup=args.warmup, attention=args.attention, tiny=args.tiny, weights=args.weights,
                         compile=args.compile)
    name = torch.cuda.get_device_name(resolve_device(args.device)) if resolve_device(args.device).type == "cuda" \
        else "CPU"
    print(f"SalFoM {'tiny' if args.tiny else 'official'} on {name}, batch {args.batch_size}, attention "
          f"{args.attention}{', compiled' if args.compile else ''}")
    for row in rows:
        extra = (f", max|diff| vs float32 {row['max_abs_diff']:.2e}, CC {row['cc']:.6f}"
                 if "max_abs_diff" in row else "")
        print(f"  {row['dtype']:<9} {row['ms_per_frame']:9.2f} ms/frame  {row['frames_per_s']:8.2f} frames/s  "
              f"{row['tflops']:7.2f} TFLOP/s{extra}")


if __name__ == "__main__":
    main()
