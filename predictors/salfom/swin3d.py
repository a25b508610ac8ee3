"""Temporal-only 3-D Swin stages of the SalFoM decoder (``../shared/specs/salfom.md`` section 3.1).

Written after Video Swin Transformer (Liu et al., CVPR 2022) as SalFoM configures it: windows of (2,1,1) or
(4,1,1), so attention mixes only tokens at the same (h, w) across time; the odd blocks shift the windows by half a
window along time, with a -100 additive mask between tokens that the cyclic shift brought together. Window and
shift are clipped per axis when the input is not longer than the window. Key names follow the official model.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from timm.layers import DropPath, Mlp
from torch import nn

from .encoder import PatchEmbed3D

Triple = tuple[int, int, int]
MASK_VALUE = -100.0


def clip_window(size: Triple, window: Triple, shift: Triple) -> tuple[Triple, Triple]:
    """Per axis: an extent not longer than the window uses window = extent and no shift."""
    win = tuple(s if s <= w else w for s, w in zip(size, window))
    sh = tuple(0 if s <= w else h for s, w, h in zip(size, window, shift))
    return win, sh  # type: ignore[return-value]


def partition(x: torch.Tensor, window: Triple) -> torch.Tensor:
    """(B, D, H, W, C) -> (B * windows, tokens per window, C); windows ordered by batch, then d, h, w blocks."""
    b, d, h, w, c = x.shape
    wd, wh, ww = window
    x = x.view(b, d // wd, wd, h // wh, wh, w // ww, ww, c).permute(0, 1, 3, 5, 2, 4, 6, 7)
    return x.reshape(-1, wd * wh * ww, c)


def unpartition(windows: torch.Tensor, window: Triple, shape: tuple[int, int, int, int]) -> torch.Tensor:
    """Inverse of :func:`partition` for a (B, D, H, W) grid."""
    b, d, h, w = shape
    wd, wh, ww = window
    x = windows.view(b, d // wd, h // wh, w // ww, wd, wh, ww, -1).permute(0, 1, 4, 2, 5, 3, 6, 7)
    return x.reshape(b, d, h, w, -1)


@functools.lru_cache(maxsize=32)
def _shift_mask(size: Triple, window: Triple, shift: Triple) -> torch.Tensor:
    labels = torch.zeros(size, dtype=torch.float32)
    for axis in range(3):
        if shift[axis] == 0:
            continue  # an unshifted axis does not change the labels
        extent = size[axis]
        position = torch.arange(extent)
        region = (position >= extent - window[axis]).long() + (position >= extent - shift[axis]).long()
        view = [1, 1, 1]
        view[axis] = extent
        labels = labels * 3 + region.view(view).float()
    tokens = partition(labels[None, ..., None], window).squeeze(-1)  # (windows, N)
    different = tokens[:, None, :] != tokens[:, :, None]
    return torch.zeros(different.shape).masked_fill(different, MASK_VALUE)


def shift_mask(size: Triple, window: Triple, shift: Triple, device: torch.device) -> torch.Tensor:
    """The additive attention mask (windows, N, N) of a shifted block on a padded (D, H, W) grid: -100 between
    tokens whose regions (before the cyclic shift) differ, 0 otherwise. Cached per geometry."""
    return _shift_mask(tuple(size), tuple(window), tuple(shift)).to(device)


class WindowAttention3D(nn.Module):
    """Multi-head self-attention inside 3-D windows with a learned relative position bias."""

    def __init__(self, dim: int, window: Triple, num_heads: int) -> None:
        super().__init__()
        self.window = window
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        wd, wh, ww = window
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * wd - 1) * (2 * wh - 1) * (2 * ww - 1),
                                                                     num_heads))
        coords = torch.stack(torch.meshgrid(torch.arange(wd), torch.arange(wh), torch.arange(ww), indexing="ij"))
        coords = coords.flatten(1)
        relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
        relative = relative + torch.tensor([wd - 1, wh - 1, ww - 1])
        index = relative[..., 0] * (2 * wh - 1) * (2 * ww - 1) + relative[..., 1] * (2 * ww - 1) + relative[..., 2]
        self.register_buffer("relative_position_index", index, persistent=True)
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        b_, n, c = x.shape
        qkv = self.qkv(x).reshape(b_, n, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index[:n, :n].reshape(-1)]
        attn = attn + bias.reshape(n, n, -1).permute(2, 0, 1).unsqueeze(0)
        if mask is not None:
            windows = mask.shape[0]
            attn = attn.view(b_ // windows, windows, self.num_heads, n, n) + mask[None, :, None].to(attn.dtype)
            attn = attn.view(-1, self.num_heads, n, n)
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b_, n, c))


class SwinBlock3D(nn.Module):
    """Pre-norm Swin block: (shifted) window attention, then an MLP; LayerNorm eps 1e-5."""

    def __init__(self, dim: int, num_heads: int, window: Triple, shift: Triple, drop_path: float) -> None:
        super().__init__()
        self.window = window
        self.shift = shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention3D(dim, window, num_heads)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(in_features=dim, hidden_features=4 * dim)

    def _attention(self, x: torch.Tensor) -> torch.Tensor:
        b, d, h, w, c = x.shape
        window, shift = clip_window((d, h, w), self.window, self.shift)
        x = self.norm1(x)
        pad = [(win - s % win) % win for s, win in zip((d, h, w), window)]
        x = F.pad(x, (0, 0, 0, pad[2], 0, pad[1], 0, pad[0]))
        padded = x.shape[1:4]
        shifted = any(shift)
        if shifted:
            x = torch.roll(x, shifts=tuple(-s for s in shift), dims=(1, 2, 3))
        mask = shift_mask(padded, window, shift, x.device) if shifted else None
        windows = self.attn(partition(x, window), mask)
        x = unpartition(windows, window, (b, *padded))
        if shifted:
            x = torch.roll(x, shifts=shift, dims=(1, 2, 3))
        return x[:, :d, :h, :w].contiguous() if any(pad) else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self._attention(x))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class BasicLayer3D(nn.Module):
    """``depth`` Swin blocks, every odd one shifted by half a window; no downsampling. (B, D, H, W, C) in/out."""

    def __init__(self, dim: int, depth: int, num_heads: int, window: Triple, drop_paths: list[float]) -> None:
        super().__init__()
        half = tuple(w // 2 for w in window)
        self.blocks = nn.ModuleList(
            SwinBlock3D(dim, num_heads, window, (0, 0, 0) if i % 2 == 0 else half, drop_paths[i])  # type: ignore
            for i in range(depth))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return x


class SwinStage3D(nn.Module):
    """One-stage Video Swin as SalFoM uses it: patch embedding (kernel = stride = ``patch``), one BasicLayer.

    (B, C_in, D, H, W) -> (B, dim, D/p_d, H/p_h, W/p_w), the layer's features. ``norm`` exists in the official
    stage (its output is computed and discarded there); it is kept for the checkpoint and not applied.
    """

    def __init__(self, in_channels: int, dim: int, patch: Triple, window: Triple, depth: int, num_heads: int,
                 drop_path: float = 0.2) -> None:
        super().__init__()
        self.patch_embed = PatchEmbed3D(in_channels, dim, patch)
        rates = torch.linspace(0, drop_path, depth).tolist()
        self.layers = nn.ModuleList([BasicLayer3D(dim, depth, num_heads, window, rates)])
        self.norm = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patch = self.patch_embed.patch
        if any(s % p for s, p in zip(x.shape[2:], patch)):
            raise ValueError(f"Swin stage input {tuple(x.shape)} is not a multiple of the patch {patch}")
        x = self.patch_embed(x).permute(0, 2, 3, 4, 1)  # (B, D, H, W, C)
        x = self.layers[0](x)
        return x.permute(0, 4, 1, 2, 3).contiguous()
