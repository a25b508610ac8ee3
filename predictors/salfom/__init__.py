"""The SalFoM plug-in (Moradi et al., ICPR 2024): the official architecture key for key, official weight loading,
the reference inference protocol and a fast GPU path. Registered predictors: ``salfom`` and ``salfom_tiny``.

>>> from salbench import registry
>>> predictor = registry.create_predictor("salfom", weights="SalFoM_DHF1K.pth", dtype="bfloat16", batch_size=8)
"""

from salbench.registry import register_predictor

from .config import OFFICIAL, TINY, SalFoMConfig
from .model import SalFoM
from .predictor import SalFoMPredictor, salfom, salfom_tiny
from .weights import CheckpointError, load_salfom_weights, load_umt_encoder, seeded_state_dict

register_predictor("salfom")(salfom)
register_predictor("salfom_tiny")(salfom_tiny)

__all__ = ["OFFICIAL", "TINY", "CheckpointError", "SalFoM", "SalFoMConfig", "SalFoMPredictor", "load_salfom_weights",
           "load_umt_encoder", "salfom", "salfom_tiny", "seeded_state_dict"]
