"""The SalFoM plug-in (Moradi et al., ICPR 2024): the official architecture key for key, official weight loading,
the reference inference protocol and a fast GPU path. Registered predictors: ``salfom`` and ``salfom_tiny``.

>>> from salbench import registry
>>> predictor = registry.create_predictor("salfom", weights="SalFoM_DHF1K.pth", dtype="bfloat16", batch_size=8)

Importing this package registers the predictors without importing torch; the model code loads on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from salbench.registry import register_predictor

_EXPORTS = {
    "OFFICIAL": "config", "TINY": "config", "SalFoMConfig": "config", "SalFoM": "model",
    "SalFoMPredictor": "predictor", "CheckpointError": "weights", "load_salfom_weights": "weights",
    "load_umt_encoder": "weights", "seeded_state_dict": "weights",
}


@register_predictor("salfom")
def salfom(**kwargs: Any):
    """SalFoM (ICPR 2024), official architecture and reference protocol; needs weights=PATH (DHF1K checkpoint).

    Options: see :class:`predictors.salfom.predictor.SalFoMPredictor`."""
    from .predictor import make_salfom

    return make_salfom(**kwargs)


@register_predictor("salfom_tiny")
def salfom_tiny(**kwargs: Any):
    """SalFoM's topology at toy sizes with seeded weights: the whole pipeline on a CPU in seconds (maps mean nothing).

    16 x 64 x 64 clips; ``weights=`` loads a checkpoint of that size instead."""
    from .predictor import make_salfom_tiny

    return make_salfom_tiny(**kwargs)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [*sorted(_EXPORTS), "salfom", "salfom_tiny"]
