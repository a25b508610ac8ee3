"""The ``salbench`` command line.

At this stage of the project only the metrics core exists: ``salbench run`` runs the metric self-check
(oracle values of the MATLAB reference and a timing of ``evaluate_frame``) and says plainly which parts of the
benchmark pipeline (datasets, predictors, caches, leaderboards) are still to come.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__

NOT_YET = (
    "Not implemented yet: predictors (baselines, SalFoM), the prediction/metrics caches and the leaderboard.\n"
    "Until they land, `salbench run` checks the metrics only; it does not score any model. The dataset layer\n"
    "is ready: `salbench check-dataset --help`."
)


def _cmd_run(args: argparse.Namespace) -> int:
    from .selfcheck import run_checks, time_evaluate_frame

    print(f"salbench {__version__}: metric self-check against the MATLAB reference (oracle cases, rel. 1e-12)")
    results = run_checks()
    width = max(len(name) for name, _ in results)
    for name, passed in results:
        print(f"  {name:<{width}}  {'ok' if passed else 'FAILED'}")
    n_failed = sum(not passed for _, passed in results)
    if not args.no_timing:
        seconds = time_evaluate_frame(repeats=args.repeats)
        print(f"  evaluate_frame, all six metrics, 360x640, one thread: {seconds * 1e3:.2f} ms/frame (median)")
    print()
    print(NOT_YET)
    if n_failed:
        print(f"\nsalbench: error: {n_failed} self-check case(s) FAILED", file=sys.stderr)
        return 1
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salbench",
        description="salbench: exact, fast and reproducible benchmark for video saliency prediction.",
    )
    parser.add_argument("--version", action="version", version=f"salbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="the main job (for now: the metric self-check)",
        description="The main job. For now it checks the six metrics and imresize against oracle values of "
        "the MATLAB reference and times evaluate_frame; datasets, predictors and leaderboards are still to "
        "come.",
    )
    run.add_argument("--no-timing", action="store_true", help="skip the evaluate_frame timing")
    run.add_argument("--repeats", type=int, default=30, help="timed evaluate_frame calls (default: 30)")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser(
        "check-dataset",
        help="validate a local dataset copy against its card",
        description="Validate a local copy of a dataset (after a download, say): lists every split, compares "
        "video/shot/frame counts with the dataset card (or, for a synthetic tree, with its SYNTHETIC.json), "
        "decodes every frame, GT map and fixation file, and compares fixation PNGs with the .mat files. "
        "Prints a summary table and every problem with its path; exits with 1 when there is a problem.",
    )
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``salbench`` console script; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:  # plain `salbench` runs the main job
        args = parser.parse_args([*argv, "run"])
    try:
        return args.func(args)
    except (ValueError, OSError, KeyError) as err:
        if args.debug:
            raise
        print(f"salbench: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
