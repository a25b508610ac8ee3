"""The ``salbench`` command line: run, predict, evaluate, leaderboard, compare, list, check-dataset.

``salbench run`` (or plain ``salbench``) is the main job: it builds the synthetic demo dataset once, runs the
baseline predictors, evaluates them under the official protocol and prints the leaderboard with bootstrap CIs.
Every stage is also a command of its own. Progress bars go to stderr, tables to stdout; bad input gives a
one-line error and exit code 2 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cache.h5io import CacheCorrupt
from .registry import DEFAULT_PREDICTORS

DEFAULT_RESULTS = "results"


# --- shared option groups ------------------------------------------------------------------------------------


def _add_dataset_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dataset")
    group.add_argument("--dataset", default="synthetic",
                       help="dataset id: dhf1k, hollywood2, ucf_sports, synthetic or folder (default: synthetic, "
                       "the demo dataset built under RESULTS/synthetic when --root is not given)")
    group.add_argument("--root", help="the dataset's top folder, as downloaded (required except for synthetic)")
    group.add_argument("--split",
                       help="split to use, as the dataset card defines it (default: val where the card has one, "
                       "else test; DHF1K's test labels are withheld, so local DHF1K numbers are val numbers)")
    group.add_argument("--fixations", choices=("auto", "png", "mat"), default="auto",
                       help="fixation source (default: auto, the .mat files when present, as the official "
                       "evaluation reads them)")


def _add_results_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default=DEFAULT_RESULTS, metavar="DIR",
                        help=f"results folder: caches under DIR/cache, the demo dataset under DIR/synthetic "
                        f"(default: ./{DEFAULT_RESULTS})")


def _add_predictor_options(parser: argparse.ArgumentParser, default: Sequence[str] | None) -> None:
    what = f"default: {' '.join(default)}" if default else "required"
    parser.add_argument("-p", "--predictor", action="append", metavar="SPEC",
                        help="predictor to use, repeatable: NAME or NAME:key=value,key=value (values in JSON, "
                        "e.g. center:sigma=0.25, precomputed:dir=maps/tmfi,label=TMFI-Net); label= names the "
                        f"table row; `salbench list` shows the names ({what})")
    parser.add_argument("--storage", choices=("uint8", "float16"), default="uint8",
                        help="how the prediction cache stores maps: uint8 (default; min-max normalised 8-bit, as "
                        "the reference pipelines write PNGs) or float16")


def _add_protocol_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("protocol (defaults: the official DHF1K MATLAB evaluation)")
    group.add_argument("--resize", choices=("matlab", "bilinear", "none"), default="matlab",
                       help="resizing of predictions whose size differs from the GT: matlab (bicubic imresize "
                       "with antialiasing, default), bilinear (cv2.resize INTER_LINEAR) or none (an error)")
    group.add_argument("--resize-boundary", choices=("symmetric", "replicate"), default="symmetric",
                       help="border rule of the matlab resize (replicate = MATLAB before ~2015)")
    group.add_argument("--max-frames", type=int, metavar="N",
                       help="score a seeded uniform subset of N frames (50000 mimics the reference cap; "
                       "default: all frames)")
    group.add_argument("--s-auc-other", choices=("dhf1k", "unisal"), default="dhf1k",
                       help="s-AUC other map: fixations of 10 random frames of the set (dhf1k, default) or of one "
                       "random frame of 10 random videos (unisal)")
    group.add_argument("--n-other", type=int, default=10, help="frames (videos) in the other map (default: 10)")
    group.add_argument("--s-auc-splits", type=int, default=100, help="s-AUC random splits (default: 100)")
    group.add_argument("--s-auc-step", type=float, default=0.1, help="s-AUC threshold step (default: 0.1)")
    group.add_argument("--s-auc-point-map", choices=("matlab", "scaled"), default="matlab",
                       help="mapping of other-map fixations between frame sizes: matlab (the reference's swapped "
                       "ratios, default) or scaled")
    group.add_argument("--no-jitter", action="store_true", help="AUC-Judd without its tie-breaking jitter")
    group.add_argument("--no-kld-clip", action="store_true",
                       help="do not clip the negative undershoot of a bicubic resize before KLD")
    group.add_argument("--auc-j-variant", choices=("matlab", "tmfi"), default="matlab",
                       help="AUC-Judd variant (default: matlab, the reference; tmfi: the TMFI-Net Python port)")
    group.add_argument("--s-auc-variant", choices=("matlab", "octave", "unisal"), default="matlab",
                       help="s-AUC threshold variant (default: matlab colon thresholds; octave: k*step; "
                       "unisal: np.arange)")
    group.add_argument("--seed", type=int, default=0, help="root of every per-frame random stream (default: 0)")
    group.add_argument("--metrics", help="comma-separated subset of cc,nss,sim,kld,auc_j,s_auc (default: all)")


def _add_stats_options(parser: argparse.ArgumentParser, *, compare: bool = False) -> None:
    group = parser.add_argument_group("statistics")
    group.add_argument("--bootstrap", type=int, default=10_000, metavar="B",
                       help="bootstrap resamples, clustered on videos (default: 10000)")
    group.add_argument("--ci-level", type=float, default=0.95, help="confidence level (default: 0.95)")
    group.add_argument("--bootstrap-seed", type=int, default=0, help="seed of the resamples (default: 0)")
    if compare:
        group.add_argument("--permutations", type=int, default=10_000, metavar="R",
                           help="sign-flip replicates of the paired test (default: 10000)")
    else:
        group.add_argument("--statistic", choices=("pooled", "macro"), default="pooled",
                           help="pooled: mean over all frames (the official statistic, default); macro: mean of "
                           "per-video means")


def _add_table_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("markdown", "csv", "latex"), default="markdown",
                        help="table format (default: markdown); csv rows carry the full provenance")
    parser.add_argument("--out", metavar="FILE", help="also write the table to FILE")
    parser.add_argument("--no-published", action="store_true", help="leave out the published rows")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, metavar="N", help="threads for the metrics (default: every core)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


# --- helpers -------------------------------------------------------------------------------------------------


def _protocol(args: argparse.Namespace):
    from .metrics import ALL
    from .protocol import Protocol

    metrics = ALL if not args.metrics else tuple(m.strip() for m in args.metrics.split(",") if m.strip())
    return Protocol(resize=args.resize, resize_boundary=args.resize_boundary, max_frames=args.max_frames,
                    s_auc_other=args.s_auc_other, n_other=args.n_other, s_auc_splits=args.s_auc_splits,
                    s_auc_step=args.s_auc_step, s_auc_point_map=args.s_auc_point_map,
                    auc_j_jitter=not args.no_jitter, kld_clip_negative=not args.no_kld_clip,
                    auc_j_variant=args.auc_j_variant, s_auc_variant=args.s_auc_variant, seed=args.seed,
                    metrics=metrics)


def _split(args: argparse.Namespace) -> str:
    """--split, or the card's val split, else its test split (Hollywood-2 and UCF-Sports have no val)."""
    if args.split is None:
        from .data import load_card

        splits = load_card(args.dataset).splits if args.dataset != "folder" else {"test": None}
        args.split = "val" if "val" in splits else "test"
    return args.split


def _cache_root(args: argparse.Namespace) -> Path:
    return Path(args.results) / "cache"


def _open(args: argparse.Namespace, *, build_demo: bool = True):
    from .data import open_dataset
    from .runner import ensure_demo_dataset

    root = args.root
    if root is None:
        if args.dataset != "synthetic":
            raise ValueError(f"--root is required for dataset {args.dataset!r} (the folder you downloaded)")
        demo = Path(args.results) / "synthetic"
        root = ensure_demo_dataset(demo, progress=not args.quiet) if build_demo else demo
    return open_dataset(args.dataset, root, _split(args), fixations=args.fixations)


def _specs(args: argparse.Namespace, default: Sequence[str] | None):
    from . import registry
    from .runner import PredictorSpec

    texts = args.predictor or list(default or [])
    if not texts:
        raise ValueError("name at least one predictor with --predictor (see `salbench list`)")
    specs = [PredictorSpec.parse(t) for t in texts]
    for spec in specs:  # unknown names fail before any dataset is opened
        registry.get_factory(spec.name)
    labels = [s.label for s in specs]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"predictor label(s) {duplicates} given twice; add label=... to tell them apart")
    return specs


def _build(args: argparse.Namespace, dataset, specs):
    from .runner import build_predictor

    return [build_predictor(s, dataset, _cache_root(args), progress=not args.quiet,
                            dataset_options={"fixations": args.fixations}) for s in specs]


def _current_frame_set(args: argparse.Namespace, protocol) -> str | None:
    """The frame-set key of the dataset copy as it is now, when it can be opened (else None: no filter)."""
    from .data import DatasetError
    from .evaluation import make_frame_set

    if args.root is None and not (Path(args.results) / "synthetic").is_dir():
        return None
    try:
        return make_frame_set(_open(args, build_demo=False), protocol).key
    except (DatasetError, ValueError, OSError):
        return None


def _emit(args: argparse.Namespace, text: str) -> None:
    sys.stdout.write(text)
    if getattr(args, "out", None):
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")


def _table(args: argparse.Namespace, results) -> str:
    from .leaderboard import leaderboard_table, render

    table = leaderboard_table(results, statistic=args.statistic, bootstrap=args.bootstrap, ci_level=args.ci_level,
                              bootstrap_seed=args.bootstrap_seed, published=not args.no_published)
    return render(table, args.format)


# --- commands ------------------------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import evaluate, parse_shard, predict

    protocol = _protocol(args)
    if args.salfom_weights:
        weights = Path(args.salfom_weights).expanduser().resolve()
        args.predictor = [*(args.predictor or DEFAULT_PREDICTORS), f"salfom:weights={weights},label=SalFoM"]
    specs = _specs(args, DEFAULT_PREDICTORS)
    dataset = _open(args)
    built = _build(args, dataset, specs)
    results = []
    for predictor, pid in built:
        predict(predictor, pid, dataset, _cache_root(args), shard=parse_shard(None, {}), storage=args.storage,
                progress=not args.quiet)
        results.append(evaluate(predictor, pid, dataset, _cache_root(args), protocol, storage=args.storage,
                                n_jobs=args.jobs, progress=not args.quiet))
    _emit(args, _table(args, results))
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from .runner import parse_shard, predict

    shard = parse_shard(args.shard)
    specs = _specs(args, None)
    dataset = _open(args)
    for predictor, pid in _build(args, dataset, specs):
        report = predict(predictor, pid, dataset, _cache_root(args), shard=shard, storage=args.storage,
                         progress=not args.quiet)
        print(f"{pid.display}: shard {shard[0]}/{shard[1]} of {dataset.name}/{dataset.split}: "
              f"{report.computed} video(s) predicted, {report.recomputed} recomputed (invalid cache), "
              f"{report.cached} already cached")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .runner import evaluate

    protocol = _protocol(args)
    specs = _specs(args, None)
    dataset = _open(args)
    for predictor, pid in _build(args, dataset, specs):
        result = evaluate(predictor, pid, dataset, _cache_root(args), protocol, storage=args.storage,
                          n_jobs=args.jobs, progress=not args.quiet)
        fs = result.record["frame_set"]
        print(f"{pid.display}: {fs['n_frames']} frames of {fs['n_videos']} videos scored -> {result.run_folder}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .runner import export_pngs

    specs = _specs(args, None)
    dataset = _open(args)
    for predictor, pid in _build(args, dataset, specs):
        target = Path(args.out) if len(specs) == 1 else Path(args.out) / pid.display.replace("/", "_")
        n = export_pngs(pid, dataset, _cache_root(args), target, storage=args.storage, progress=not args.quiet)
        print(f"{pid.display}: {n} PNG maps of {dataset.name}/{dataset.split} written to {target}")
    return 0


def _cmd_leaderboard(args: argparse.Namespace) -> int:
    from .runner import find_runs

    protocol = _protocol(args)
    runs = find_runs(_cache_root(args), args.dataset, _split(args), protocol, args.predictor,
                     _current_frame_set(args, protocol))
    if not runs:
        raise ValueError(f"no evaluated run of {args.dataset}/{args.split} under these protocol options in "
                         f"{_cache_root(args)}; run `salbench evaluate` (or `salbench run`) first")
    _emit(args, _table(args, runs))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from .evaluation import COMPARABLE, require_comparable
    from .leaderboard import TITLES
    from .metrics import HIGHER_IS_BETTER
    from .runner import find_runs
    from .stats import compare

    protocol = _protocol(args)
    runs = find_runs(_cache_root(args), args.dataset, _split(args), protocol, [args.a, args.b],
                     _current_frame_set(args, protocol))
    found = {r.record["predictor"]["label"] for r in runs} | {r.record["predictor"]["name"] for r in runs}
    for wanted in (args.a, args.b):
        if wanted not in found:
            raise ValueError(f"no evaluated run {wanted!r} of {args.dataset}/{args.split} under these protocol "
                             f"options in {_cache_root(args)}")
    if len(runs) != 2:
        raise ValueError("compare needs two different runs")
    a, b = runs
    require_comparable(runs, (*COMPARABLE, "videos", "groups"),
                       purpose="a paired comparison needs identical frames and protocol")
    metrics = tuple(a.record["protocol"]["metrics"])
    rows = compare(a.scores, b.scores, a.groups, metrics, bootstrap=args.bootstrap, ci_level=args.ci_level,
                   bootstrap_seed=args.bootstrap_seed, permutations=args.permutations)
    body = []
    for r in rows:
        better = (r.delta.value > 0) == HIGHER_IS_BETTER[r.metric] if r.delta.value != 0 else None
        verdict = "" if r.p_holm != r.p_holm or r.p_holm >= 0.05 else (args.a if better else args.b) + " better"
        body.append([r.statistic, TITLES[r.metric] + (" ↑" if HIGHER_IS_BETTER[r.metric] else " ↓"),
                     f"{r.a:.4f}", f"{r.b:.4f}", f"{r.delta.value:+.4f}",
                     f"[{r.delta.low:+.4f}, {r.delta.high:+.4f}]", f"{r.p_value:.4f}", f"{r.p_holm:.4f}",
                     verdict, f"{r.n_common}" + (f" (-{r.n_dropped})" if r.n_dropped else "")])
    headers = ["statistic", "metric", args.a, args.b, "delta A-B", f"{args.ci_level:.0%} CI", "p", "p (Holm)",
               "significant (Holm, 0.05)", "frames"]
    fs = a.record["frame_set"]
    text = (tabulate(body, headers=headers, tablefmt="github", disable_numparse=True) + "\n\n"
            f"{args.dataset}/{args.split}: {fs['n_videos']} videos, {fs['n_frames']} frames; frames where both are "
            f"valid (dropped in brackets). CI: clustered percentile bootstrap, {args.bootstrap} resamples, seed "
            f"{args.bootstrap_seed}; p: two-sided cluster sign-flip test, {args.permutations} replicates; Holm "
            f"across the {len(metrics)} metrics, per statistic.\n")
    _emit(args, text)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    import json

    from tabulate import tabulate

    from . import registry
    from .cache.metric_store import find_records
    from .data import list_datasets

    what = args.what
    if what in ("all", "predictors"):
        print("predictors:")
        names = registry.list_predictors()
        width = max(map(len, names), default=0)
        for name in names:
            doc = (registry.get_factory(name).__doc__ or "").strip().split("\n")[0]
            print(f"  {name:<{width}}  {doc}".rstrip())
        for name, error in registry.plugin_errors().items():
            print(f"  {name} (broken plug-in: {error})")
    if what in ("all", "datasets"):
        print("datasets:")
        for name in list_datasets():
            print(f"  {name}")
    if what in ("all", "runs"):
        rows = []
        for path in find_records(_cache_root(args)):
            try:
                record = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                rows.append(["?", "?", "?", "?", "?", f"unreadable: {path}"])
                continue
            fs = record["frame_set"]
            rows.append([record["predictor"]["label"], record["dataset"], record["split"], fs["n_frames"],
                         record["protocol"]["seed"], str(path.parent)])
        print(f"evaluated runs in {_cache_root(args)}:")
        print(tabulate(rows, headers=["predictor", "dataset", "split", "frames", "seed", "folder"],
                       tablefmt="github") if rows else "  (none)")
    return 0


def _cmd_check_dataset(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from .data.check import check_dataset

    options = {"fixations": args.fixations}
    if args.layout:
        options["layout"] = args.layout
    report = check_dataset(args.dataset, args.root, args.split, decode=not args.no_decode,
                           progress=not args.quiet, **options)

    def count(found, expected):
        return f"{found}" if expected is None else f"{found} / {expected}"

    rows = [[s.split, count(s.videos, s.expected_videos),
             "" if s.shots is None else count(s.shots, s.expected_shots), count(s.frames, s.expected_frames),
             "OK" if s.ok else f"{len(s.problems)} problem(s)"] for s in report.splits]
    print(f"{args.dataset} at {args.root} (found / expected by the card)")
    print(tabulate(rows, headers=["split", "videos", "shots", "frames", "status"], tablefmt="github"))
    for warning in dict.fromkeys(w for s in report.splits for w in s.warnings):
        print(f"warning: {warning}")
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  - {problem}")
        return 1
    print("\nOK: every file listed and decoded, counts as expected" if not args.no_decode
          else "\nOK: counts as expected (files not decoded: --no-decode)")
    return 0


def _cmd_selfcheck(args: argparse.Namespace) -> int:
    from .selfcheck import run_checks, time_evaluate_frame

    print(f"salbench {__version__}: metric self-check against the MATLAB reference (oracle cases, rel. 1e-12)")
    results = run_checks()
    width = max(len(name) for name, _ in results)
    for name, passed in results:
        print(f"  {name:<{width}}  {'ok' if passed else 'FAILED'}")
    if not args.no_timing:
        seconds = time_evaluate_frame(repeats=args.repeats)
        print(f"  evaluate_frame, all six metrics, 360x640, one thread: {seconds * 1e3:.2f} ms/frame (median)")
    n_failed = sum(not passed for _, passed in results)
    if n_failed:
        print(f"salbench: error: {n_failed} self-check case(s) FAILED", file=sys.stderr)
        return 1
    return 0


# --- parser --------------------------------------------------------------------------------------------------


def _dataset_command(sub, name: str, func, help: str, description: str) -> argparse.ArgumentParser:
    """A subcommand that works on one dataset split in a results folder."""
    parser = sub.add_parser(name, help=help, description=description)
    _add_dataset_options(parser)
    _add_results_option(parser)
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salbench",
        description="salbench: exact, fast and reproducible benchmark for video saliency prediction. "
        "Without a command it runs the main job (`salbench run`).",
    )
    parser.add_argument("--version", action="version", version=f"salbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = _dataset_command(
        sub, "run", _cmd_run, help="the main job: predict, evaluate and print the leaderboard",
        description="The main job. Builds the synthetic demo dataset once (under RESULTS/synthetic) unless "
        "--dataset/--root name a real copy, fills the prediction cache of every predictor (default: the "
        "baselines), scores every frame under the official protocol, and prints the leaderboard with "
        "bootstrap confidence intervals and the published numbers. Resumable: a rerun reuses every finished "
        "video.")
    _add_predictor_options(run, DEFAULT_PREDICTORS)
    run.add_argument("--salfom-weights", metavar="PATH",
                     help="also run SalFoM with this checkpoint (the official SalFoM_DHF1K.pth), as the row "
                     "'SalFoM'; for more options use -p salfom:weights=PATH,dtype=bfloat16,batch_size=8")
    _add_protocol_options(run)
    _add_stats_options(run)
    _add_table_options(run)
    _add_run_options(run)

    predict = _dataset_command(
        sub, "predict", _cmd_predict, help="fill the prediction cache (resumable, shardable)",
        description="Run predictors over a dataset split and store their maps in the prediction cache "
        "(RESULTS/cache/predictions), one HDF5 file per video, written atomically. Finished videos are "
        "skipped, so an interrupted run resumes. Shard the videos over processes or GPUs with --shard i/n, or "
        "under torchrun (RANK/WORLD_SIZE).")
    _add_predictor_options(predict, None)
    predict.add_argument("--shard", metavar="I/N",
                         help="process only the videos k with k mod N == I (default: torchrun's RANK/WORLD_SIZE "
                         "when set, else all)")
    predict.add_argument("--quiet", action="store_true", help="no progress bars")

    evaluate = _dataset_command(
        sub, "evaluate", _cmd_evaluate, help="score cached predictions into the metrics cache",
        description="Score the cached predictions of each predictor on every frame of the split (all six "
        "metrics, at GT resolution) and store the per-frame scores per video (RESULTS/cache/metrics). A "
        "damaged prediction file is reported and predicted again.")
    _add_predictor_options(evaluate, None)
    _add_protocol_options(evaluate)
    _add_run_options(evaluate)

    export = _dataset_command(
        sub, "export", _cmd_export, help="write cached predictions as PNG maps (e.g. a DHF1K test-set submission)",
        description="Write the cached maps of a predictor as 8-bit PNGs, <OUT>/<video>/<frame>.png, named like the "
        "dataset's frames: the format of a DHF1K test-set submission (its labels are withheld; the organisers "
        "score e-mailed maps) and of the precomputed predictor. Run `salbench predict` first.")
    _add_predictor_options(export, None)
    export.add_argument("--out", required=True, metavar="DIR",
                        help="target folder (one sub-folder per predictor when several are given)")
    export.add_argument("--quiet", action="store_true", help="no progress bar")

    board = _dataset_command(
        sub, "leaderboard", _cmd_leaderboard, help="aggregate evaluated runs into a table (markdown, csv, latex)",
        description="Aggregate the evaluated runs of a dataset split (under the protocol options given) into a "
        "leaderboard: frame-pooled or per-video means with clustered bootstrap CIs, beside the published "
        "numbers, with the protocol footer.")
    board.add_argument("-p", "--predictor", action="append", metavar="LABEL",
                       help="rows to show, repeatable, by label or predictor name (default: every run)")
    _add_protocol_options(board)
    _add_stats_options(board)
    _add_table_options(board)

    comp = _dataset_command(
        sub, "compare", _cmd_compare, help="paired comparison of two evaluated predictors",
        description="Paired comparison of two predictors on the same frames: per metric, the delta A - B on "
        "frames where both are valid, its clustered bootstrap CI, a two-sided cluster sign-flip p-value and "
        "the Holm-adjusted p-value across metrics, for the pooled and the per-video statistic.")
    comp.add_argument("a", help="label (or predictor name) of run A")
    comp.add_argument("b", help="label (or predictor name) of run B")
    _add_protocol_options(comp)
    _add_stats_options(comp, compare=True)
    comp.add_argument("--out", metavar="FILE", help="also write the table to FILE")

    lst = sub.add_parser("list", help="predictors, datasets and evaluated runs",
                         description="List the registered predictors (plug-ins included), the datasets, and the "
                         "evaluated runs in the results folder.")
    lst.add_argument("what", nargs="?", choices=("all", "predictors", "datasets", "runs"), default="all",
                     help="what to list")
    _add_results_option(lst)
    lst.set_defaults(func=_cmd_list)

    check = sub.add_parser(
        "check-dataset", help="validate a local dataset copy against its card",
        description="Validate a local copy of a dataset (after a download, say): lists every split, compares "
        "video/shot/frame counts with the dataset card (or, for a synthetic tree, with its SYNTHETIC.json), "
        "decodes every frame, GT map and fixation file, and compares fixation PNGs with the .mat files. "
        "Prints a summary table and every problem with its path; exits with 1 when there is a problem.")
    check.add_argument("--dataset", required=True, help="dataset id: dhf1k, hollywood2, ucf_sports or synthetic")
    check.add_argument("--root", required=True, help="the dataset's top folder, as downloaded")
    check.add_argument("--split", action="append",
                       help="split to check (repeatable; default: every split of the card)")
    check.add_argument("--no-decode", action="store_true",
                       help="only list files and compare counts; do not decode images (fast)")
    check.add_argument("--fixations", choices=("auto", "png", "mat"), default="auto",
                       help="fixation source to read (default: auto, the .mat files when present; "
                       "PNG and .mat are compared anyway)")
    check.add_argument("--layout", choices=("official", "split", "raw-video"),
                       help="DHF1K only: force a layout instead of detecting it")
    check.add_argument("--quiet", action="store_true", help="no progress bar")
    check.set_defaults(func=_cmd_check_dataset)

    selfcheck = sub.add_parser(
        "selfcheck", help="check the metrics against MATLAB oracle values on this machine",
        description="Checks the six metrics and imresize against oracle values of the MATLAB reference "
        "(relative 1e-12) and times evaluate_frame on a 360x640 frame.")
    selfcheck.add_argument("--no-timing", action="store_true", help="skip the evaluate_frame timing")
    selfcheck.add_argument("--repeats", type=int, default=30, help="timed evaluate_frame calls (default: 30)")
    selfcheck.set_defaults(func=_cmd_selfcheck)
    return parser


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"salbench: {record.levelname.lower()}: {record.getMessage()}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``salbench`` console script; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:  # plain `salbench` runs the main job
        args = parser.parse_args([*argv, "run"])
    logger = logging.getLogger("salbench")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLine())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        return args.func(args)
    except (ValueError, OSError, KeyError, TypeError, CacheCorrupt) as err:
        if args.debug:
            raise
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"salbench: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("salbench: interrupted; finished videos are kept, a rerun resumes", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
