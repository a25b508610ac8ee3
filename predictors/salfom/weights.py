"""Loading SalFoM weights (``../shared/specs/salfom.md`` section 5), and seeded checkpoints for tests.

- :func:`load_salfom_weights`: the official SalFoM checkpoint (a flat ``state_dict`` of the official ``net``,
  619 entries), strictly.
- :func:`load_umt_encoder`: the UMT K400 checkpoint into the encoder, for training from scratch (unwraps
  ``model``/``module``, strips ``module.``/``backbone.``/``encoder.``, casts fp16 to fp32, inserts the computed
  position table), strictly.
- :func:`seeded_state_dict`: every entry filled from a generator seeded by the CRC-32 of its key, so a
  checkpoint with the official layout can be rebuilt anywhere, bit for bit.

Checkpoints are untrusted pickles: they are read with ``torch.load(..., weights_only=True)`` and can be pinned by
SHA-256. A file that is not a SalFoM checkpoint raises :class:`CheckpointError` listing the missing and
unexpected keys and the shape mismatches.
"""

from __future__ import annotations

import hashlib
import math
import warnings
import zlib
from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from .encoder import position_table

WRAPPERS = ("state_dict", "model", "module", "net")
POS_EMBED_TOLERANCE = 1e-5


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded (wrong hash, wrong keys or shapes, unreadable)."""


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_checkpoint(path: str | Path, sha256: str | None = None, *,
                    digest: str | None = None) -> tuple[dict[str, torch.Tensor], str]:
    """The tensors of a checkpoint file (``weights_only=True``) and the file's SHA-256.

    A top-level ``state_dict``/``model``/``module``/``net`` dict is unwrapped; a ``module.`` prefix is stripped;
    floating tensors are cast to float32. ``digest``: the file's SHA-256 as the caller already computed it (the
    file is then not hashed again).
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint file {path}")
    digest = digest or sha256_file(path)
    if sha256 is not None and digest != sha256.lower():
        raise CheckpointError(f"{path}: SHA-256 is {digest}, expected {sha256.lower()}")
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # pickle errors, refused globals, truncated zip files
        raise CheckpointError(f"{path} is not a loadable PyTorch checkpoint: {type(err).__name__}: {err}") from None
    for _ in range(3):
        if isinstance(content, Mapping) and not any(isinstance(v, torch.Tensor) for v in content.values()):
            inner = [content[k] for k in WRAPPERS if isinstance(content.get(k), Mapping)]
            if not inner:
                break
            content = inner[0]
    if not isinstance(content, Mapping) or not content:
        raise CheckpointError(f"{path} holds no state dict (found {type(content).__name__})")
    state = {}
    for key, value in content.items():
        if not isinstance(value, torch.Tensor):
            continue
        key = key[len("module."):] if key.startswith("module.") else key
        state[key] = value.float() if value.is_floating_point() else value
    return state, digest


def describe_mismatch(expected: Mapping[str, torch.Tensor], found: Mapping[str, torch.Tensor], limit: int = 8) -> str:
    """Missing keys, unexpected keys and shape mismatches, a few of each."""
    missing = [k for k in expected if k not in found]
    unexpected = [k for k in found if k not in expected]
    shapes = [f"{k}: {tuple(found[k].shape)} instead of {tuple(expected[k].shape)}" for k in expected
              if k in found and tuple(found[k].shape) != tuple(expected[k].shape)]
    parts = []
    for title, items in (("missing", missing), ("unexpected", unexpected), ("wrong shape", shapes)):
        if items:
            more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
            parts.append(f"{len(items)} {title}: {', '.join(items[:limit])}{more}")
    return "; ".join(parts)


def _strict_load(module: nn.Module, state: Mapping[str, torch.Tensor], source: str, what: str) -> None:
    expected = module.state_dict()
    problems = describe_mismatch(expected, state)
    if problems:
        raise CheckpointError(f"{source} is not a {what} checkpoint: {problems}")
    module.load_state_dict(state, strict=True)


def _check_pos_embed(encoder: nn.Module, source: str) -> None:
    config = encoder.config
    computed = position_table(config.frames, config.grid, config.embed_dim)
    difference = (encoder.pos_embed.detach().cpu() - computed).abs().max().item()
    if difference > POS_EMBED_TOLERANCE:
        warnings.warn(f"{source}: its encoder.pos_embed differs from the computed sinusoid table by {difference:.3g} "
                      f"(the loaded table is used, as the official forward does)", stacklevel=3)


def load_salfom_weights(model: nn.Module, path: str | Path, sha256: str | None = None, *,
                        digest: str | None = None) -> str:
    """Load an official-format SalFoM checkpoint strictly into ``model``; returns the file's SHA-256
    (``digest``: see :func:`read_checkpoint`)."""
    state, digest = read_checkpoint(path, sha256, digest=digest)
    _strict_load(model, state, str(path), "SalFoM")
    _check_pos_embed(model.encoder, str(path))
    return digest


def load_umt_encoder(encoder: nn.Module, path: str | Path, sha256: str | None = None) -> str:
    """Load a UMT checkpoint (e.g. ``l16_ptk710_ftk710_ftk400_f16_res224.pth``) strictly into the encoder.

    Keys lose a ``module.``, ``backbone.`` or ``encoder.`` prefix; a missing ``pos_embed`` is filled with the
    computed table. Returns the file's SHA-256.
    """
    state, digest = read_checkpoint(path, sha256)
    cleaned = {}
    for key, value in state.items():
        for prefix in ("backbone.", "encoder."):
            if key.startswith(prefix):
                key = key[len(prefix):]
        cleaned[key] = value
    if "pos_embed" not in cleaned:
        cleaned["pos_embed"] = encoder.pos_embed.detach().clone()
    _strict_load(encoder, cleaned, str(path), "UMT encoder")
    _check_pos_embed(encoder, str(path))
    return digest


def seeded_tensor(key: str, reference: torch.Tensor) -> torch.Tensor:
    """A deterministic value for state-dict entry ``key`` with the shape of ``reference``.

    Generator seeded with ``crc32(key)``. Weights with a fan-in: normal / sqrt(fan_in); norm scales: 1 + 0.1 normal;
    biases, q/v biases and relative position tables: 0.02 normal. Integer buffers and ``pos_embed`` keep their
    values (they are not learned).
    """
    if not reference.is_floating_point() or key.endswith("pos_embed"):
        return reference.clone()
    generator = torch.Generator().manual_seed(zlib.crc32(key.encode()))
    noise = torch.randn(reference.shape, generator=generator, dtype=torch.float32)
    leaf = key.rsplit(".", 2)
    is_norm = "norm" in leaf[-2] if len(leaf) > 1 else False
    if key.endswith("weight") and reference.dim() >= 2:
        fan_in = reference[0].numel()
        return noise / math.sqrt(fan_in)
    if key.endswith("weight") and is_norm:
        return 1.0 + 0.1 * noise
    return 0.02 * noise


def seeded_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The state dict of ``model`` with every entry replaced by :func:`seeded_tensor`."""
    return {key: seeded_tensor(key, value) for key, value in model.state_dict().items()}
