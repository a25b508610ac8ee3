"""The UMT ViT-L/16 video encoder of SalFoM (``../shared/specs/salfom.md`` section 2).

Blocks are timm's ``beit.Block`` (pre-norm, q/v biases without a k bias, exact GELU, no layer scale), which match
the official UMT blocks key for key. The position table is UMT's fixed sinusoid over the 8 x 14 x 14 pretraining
grid, interpolated to the clip's grid; it is a persistent buffer named ``pos_embed`` (a state-dict key, as in the
official model, where it is a Parameter that never receives a gradient).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from timm.models.beit import Block
from torch import nn

from .config import SalFoMConfig

PRETRAIN_FRAMES = 8
PRETRAIN_GRID = 14


def sinusoid_table(n_positions: int, dim: int) -> torch.Tensor:
    """UMT's 1-D sinusoid table (1, n_positions, dim), float32: ``angle(p, j) = p / 10000^(2 floor(j/2) / dim)``
    in float64, sine on even and cosine on odd channels."""
    positions = np.arange(n_positions, dtype=np.float64)[:, None]
    exponents = np.array([2 * (j // 2) / dim for j in range(dim)], dtype=np.float64)
    angles = positions / np.power(10000, exponents)[None, :]
    angles[:, 0::2] = np.sin(angles[:, 0::2])
    angles[:, 1::2] = np.cos(angles[:, 1::2])
    return torch.tensor(angles, dtype=torch.float32).unsqueeze(0)


def position_table(frames: int, grid: int, dim: int) -> torch.Tensor:
    """The encoder's position table (1, frames*grid*grid, dim): the 8x14x14 pretraining table, resized bicubically
    per frame to ``grid`` x ``grid`` when needed, then linearly in time from 8 to ``frames`` (align_corners=False)."""
    table = sinusoid_table(PRETRAIN_FRAMES * PRETRAIN_GRID ** 2, dim)
    if grid != PRETRAIN_GRID:
        spatial = table.reshape(PRETRAIN_FRAMES, PRETRAIN_GRID, PRETRAIN_GRID, dim).permute(0, 3, 1, 2)
        spatial = F.interpolate(spatial, size=(grid, grid), mode="bicubic", align_corners=False)
        table = spatial.permute(0, 2, 3, 1).reshape(1, -1, dim)
    if frames != PRETRAIN_FRAMES:
        temporal = table.reshape(PRETRAIN_FRAMES, grid, grid, dim).permute(1, 2, 3, 0).reshape(-1, dim,
                                                                                                PRETRAIN_FRAMES)
        temporal = F.interpolate(temporal, size=frames, mode="linear", align_corners=False)
        table = temporal.reshape(grid, grid, dim, frames).permute(3, 0, 1, 2).reshape(1, -1, dim)
    return table.contiguous()


class PatchEmbed3D(nn.Module):
    """A Conv3d with kernel = stride = ``patch`` (key ``proj``); no padding, no norm."""

    def __init__(self, in_channels: int, out_channels: int, patch: tuple[int, int, int]) -> None:
        super().__init__()
        self.patch = patch
        self.proj = nn.Conv3d(in_channels, out_channels, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class UMTEncoder(nn.Module):
    """UMT ViT video encoder: tubelet-1 patch embedding, fixed position table, pre-norm blocks.

    ``forward`` returns the raw tokens of the last block, (B, T*g*g, D), t-major; ``fc_norm`` and ``head`` (the
    K400 classifier) are kept for checkpoint compatibility and not used.
    """

    def __init__(self, config: SalFoMConfig) -> None:
        super().__init__()
        self.config = config
        dim = config.embed_dim
        self.register_buffer("pos_embed", position_table(config.frames, config.grid, dim), persistent=True)
        self.patch_embed = PatchEmbed3D(3, dim, (1, config.patch_size, config.patch_size))
        self.blocks = nn.ModuleList(
            Block(dim=dim, num_heads=config.num_heads, mlp_ratio=4.0, qkv_bias=True, init_values=None,
                  window_size=None) for _ in range(config.depth))
        self.norm = nn.Identity()
        self.fc_norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, config.num_classes)

    def set_attention(self, mode: str) -> None:
        """``"math"``: the explicit softmax(q k^T) v of the official code; ``"sdpa"``: PyTorch's fused
        ``scaled_dot_product_attention`` (flash / memory-efficient kernels, no N x N matrix)."""
        if mode not in ("math", "sdpa"):
            raise ValueError(f"attention must be 'math' or 'sdpa', got {mode!r}")
        for block in self.blocks:
            block.attn.fused_attn = mode == "sdpa"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = self.config.img_size
        if x.shape[1:] != (3, self.config.frames, size, size):
            raise ValueError(f"SalFoM expects clips of shape (B, 3, {self.config.frames}, {size}, {size}), got "
                             f"{tuple(x.shape)}")
        tokens = self.patch_embed(x).flatten(2).transpose(1, 2)  # (B, T*g*g, D), token n = t*g*g + h*g + w
        tokens = tokens + self.pos_embed.to(dtype=tokens.dtype)
        for block in self.blocks:
            tokens = block(tokens)
        return tokens
