"""The console script, run as a user runs it (subprocess)."""

import subprocess
import sys

import pytest

from salbench import cli, selfcheck


def run(*args):
    return subprocess.run([sys.executable, "-m", "salbench", *args], capture_output=True, text=True, timeout=300)


def test_run_prints_the_self_check_and_what_is_missing():
    proc = run("run", "--repeats", "3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(" ok") == len(selfcheck.CHECKS)
    assert "FAILED" not in proc.stdout
    assert "ms/frame" in proc.stdout
    assert "Not implemented yet" in proc.stdout and "does not score any model" in proc.stdout
    assert "check-dataset" in proc.stdout


def test_help_and_version():
    proc = run("--help")
    assert proc.returncode == 0 and "run" in proc.stdout
    proc = run("run", "--help")
    assert proc.returncode == 0 and "--no-timing" in proc.stdout
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("salbench ")


def test_bad_option_exits_non_zero():
    assert run("run", "--repeats", "many").returncode != 0


def test_a_failing_check_gives_exit_code_1(monkeypatch, capsys):
    broken = selfcheck.Check("deliberately wrong", lambda: 1.0, 2.0)
    monkeypatch.setattr(selfcheck, "CHECKS", selfcheck.CHECKS + (broken,))
    assert cli.main(["run", "--no-timing"]) == 1
    out = capsys.readouterr()
    assert "deliberately wrong" in out.out and "FAILED" in out.out and "1 self-check case" in out.err


@pytest.mark.parametrize("check", selfcheck.CHECKS, ids=lambda c: c.name)
def test_every_builtin_check_passes(check):
    assert check.passed()
