"""The predictor registry and plug-in discovery through the ``salbench.predictors`` entry-point group."""

import subprocess
import sys
import textwrap

import pytest

from salbench import registry


def test_first_party_baselines_come_through_the_entry_point_group():
    import importlib.metadata

    entry_points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="salbench.predictors")}
    assert entry_points.get("baselines") == "predictors.baselines"
    names = registry.list_predictors()
    assert {"center", "mean_map", "spectral_residual", "motion", "precomputed"} <= set(names)
    assert registry.list_predictors("spec*") == ["spectral_residual"]


def test_register_create_and_errors():
    class Constant:
        name = "test_constant"

        def __init__(self, value=1.0):
            self.config = {"value": value}

        def predict_video(self, video):
            yield from ()

    registry.register_predictor("test_constant", overwrite=True)(Constant)
    predictor = registry.create_predictor("test_constant", value=2.0)
    assert predictor.config == {"value": 2.0} and isinstance(predictor, registry.Predictor)
    with pytest.raises(KeyError, match="did you mean center"):
        registry.create_predictor("centre")
    with pytest.raises(ValueError, match="already registered"):
        registry.register_predictor("test_constant")(lambda: Constant())
    with pytest.raises(ValueError, match="without spaces"):
        registry.register_predictor("bad name")
    registry.register_predictor("test_not_a_predictor", overwrite=True)(lambda: object())
    with pytest.raises(TypeError, match="lacks"):
        registry.create_predictor("test_not_a_predictor")
    assert registry.accepts("mean_map", "context") and not registry.accepts("center", "context")


def test_third_party_plugin_is_discovered_and_a_broken_one_reported(tmp_path):
    """A fake installed distribution (dist-info with entry_points.txt) on sys.path, in a fresh interpreter."""
    (tmp_path / "my_saliency.py").write_text(textwrap.dedent("""
        import numpy as np

        class Blank:
            name = "blank"
            config = {}

            def predict_video(self, video):
                for _ in range(len(video)):
                    yield np.zeros(video.size)

        def make_blank():
            return Blank()
    """))
    dist = tmp_path / "my_saliency-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-saliency\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[salbench.predictors]\nblank = my_saliency:make_blank\n"
                                           "broken = no_such_module_here\n")
    code = ("from salbench import registry; print(registry.list_predictors()); "
            "print(registry.create_predictor('blank').name); print(registry.plugin_errors())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "'blank'" in lines[0] and "'center'" in lines[0]
    assert lines[1] == "blank"
    assert "broken" in lines[2] and "no_such_module_here" in lines[2]
