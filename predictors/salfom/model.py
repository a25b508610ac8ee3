"""SalFoM (Moradi et al., "SalFoM: Dynamic Saliency Prediction with Video Foundation Models", ICPR 2024):
UMT ViT-L/16 encoder + a three-branch decoder (temporal Swin, 3-D convolutions, 2-D convolutions) and a fusion
head, module for module and key for key as the official model (``../shared/specs/salfom.md`` sections 1-4).

One forward maps a batch of 16-frame clips (B, 3, 16, S, S) to one sigmoid map per clip (B, S, S), the saliency
of the clip's last frame.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import OFFICIAL, SalFoMConfig
from .encoder import UMTEncoder
from .swin3d import SwinStage3D


def _conv3d(cin: int, cout: int, kernel, stride=(1, 1, 1), padding=(0, 1, 1), bias=False) -> nn.Conv3d:
    return nn.Conv3d(cin, cout, kernel_size=kernel, stride=stride, padding=padding, bias=bias)


def _conv2d(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel_size=3, stride=1, padding=1, bias=False)


def _up3d(x: torch.Tensor, factor: int) -> torch.Tensor:
    return F.interpolate(x, scale_factor=(1, factor, factor), mode="trilinear", align_corners=False)


def _up2d(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


class SalFoM(nn.Module):
    """The SalFoM network. ``attention`` selects the encoder's attention kernel: ``"math"`` (the official
    explicit softmax, the reference) or ``"sdpa"`` (``scaled_dot_product_attention``, same function, no
    3136 x 3136 matrix)."""

    def __init__(self, config: SalFoMConfig = OFFICIAL, attention: str = "math") -> None:
        super().__init__()
        self.config = config
        e = config.embed_dim
        w512, w256, w128, w64, w32, w16 = config.widths
        heads, depth, drop = config.swin_heads, config.swin_depth, config.swin_drop_path
        # the registration order is the official state-dict order
        self.encoder = UMTEncoder(config)
        self.conv_1 = _conv3d(e, w512, (1, 3, 3))
        self.conv_2 = _conv3d(w512, w256, (2, 3, 3), (2, 1, 1))
        self.conv_3 = _conv3d(w256, w128, (1, 3, 3))
        self.conv_4 = _conv3d(w128, w64, (2, 3, 3), (2, 1, 1))
        self.conv_5 = _conv3d(w64, w32, (2, 3, 3), (2, 1, 1))
        self.conv_6 = _conv3d(w32, w16, (2, 3, 3), (2, 1, 1))
        self.conv_7 = nn.Conv2d(3 * w16, w32, kernel_size=3, padding=1, bias=False)
        self.conv_8 = nn.Conv2d(w32, w16, kernel_size=3, padding=1, bias=False)
        self.conv_9 = nn.Conv2d(w16, 1, kernel_size=3, padding=1, bias=False)
        self.transformer_1 = SwinStage3D(e, w256, (2, 1, 1), (2, 1, 1), depth, heads, drop)
        self.transformer_2 = SwinStage3D(w256, w64, (2, 1, 1), (2, 1, 1), depth, heads, drop)
        self.transformer_3 = SwinStage3D(w64, w16, (4, 1, 1), (4, 1, 1), depth, heads, drop)
        for i in range(1, 5):
            setattr(self, f"conv_t1_{i}", _conv3d(e, e, (2, 3, 3), (2, 1, 1)))
        for i in range(1, 4):
            setattr(self, f"conv_t2_{i}", _conv3d(w256, w256, (3, 1, 1), (2, 1, 1), (1, 0, 0), bias=True))
        for i in range(1, 4):  # conv_t3_3 exists in the official model but is never used
            setattr(self, f"conv_t3_{i}", _conv3d(w64, w64, (3, 1, 1), (2, 1, 1), (1, 0, 0), bias=True))
        for i, (cin, cout) in enumerate(((e, w512), (w512, w256), (w256, w256), (w256, w128), (w128, w64),
                                         (w64, w64), (w64, w32), (w32, w16), (w16, w16)), start=1):
            setattr(self, f"conv_2D_{i}", _conv2d(cin, cout))
        self.final_map = nn.Conv2d(2, 1, kernel_size=1, stride=1)  # exists in the official model, never used
        self.set_attention(attention)

    def set_attention(self, mode: str) -> None:
        self.encoder.set_attention(mode)
        self.attention = mode

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        g = self.config.grid
        tokens = self.encoder(clips)  # (B, T*g*g, E)
        y = tokens.transpose(1, 2).reshape(tokens.shape[0], -1, self.config.frames, g, g)  # (B, E, T, g, g)
        relu = F.relu

        # transformer branch
        t1 = self.transformer_1(y)  # (B, w256, 8, g, g)
        t2_up = _up3d(self.transformer_2(t1), 4)  # (B, w64, 4, 4g, 4g)
        t3_up = _up3d(self.transformer_3(t2_up), 4)  # (B, w16, 1, 16g, 16g)

        # 3-D convolution branch
        y2 = relu(self.conv_2(relu(self.conv_1(y)))) + t1  # (B, w256, 8, g, g)
        y3 = _up3d(relu(self.conv_3(y2)), 2)
        y4 = _up3d(relu(self.conv_4(y3)), 2) + t2_up  # (B, w64, 4, 4g, 4g)
        y5 = _up3d(relu(self.conv_5(y4)), 2)
        y6 = _up3d(relu(self.conv_6(y5)), 2)[:, :, 0]  # (B, w16, 16g, 16g)

        # 2-D branch
        z = y
        for i in range(1, 5):
            z = relu(getattr(self, f"conv_t1_{i}")(z))  # T 16 -> 1
        z = z[:, :, 0]
        for i in range(1, 4):
            z = relu(getattr(self, f"conv_2D_{i}")(z))
        side = y2
        for i in range(1, 4):
            side = relu(getattr(self, f"conv_t2_{i}")(side))  # T 8 -> 1
        z = z + side[:, :, 0]
        z = relu(self.conv_2D_4(z))
        z = _up2d(relu(self.conv_2D_5(z)))
        z = _up2d(relu(self.conv_2D_6(z)))
        side = relu(self.conv_t3_2(relu(self.conv_t3_1(y4))))  # T 4 -> 1
        z = z + side[:, :, 0]
        z = relu(self.conv_2D_7(z))
        z = _up2d(relu(self.conv_2D_8(z)))
        z = _up2d(relu(self.conv_2D_9(z)))  # (B, w16, 16g, 16g)

        # fusion: 2-D, transformer, 3-D
        out = torch.cat((z, t3_up[:, :, 0], y6), dim=1)
        out = relu(self.conv_7(out))
        out = relu(self.conv_8(out))
        return torch.sigmoid(self.conv_9(out))[:, 0]


def flops_per_clip(config: SalFoMConfig = OFFICIAL) -> dict[str, float]:
    """Floating-point operations of one forward on one clip (= one predicted frame), counted by
    ``torch.utils.flop_counter`` (matmuls and convolutions) on the meta device, so nothing is computed.

    Returns ``{"total": ..., "encoder": ..., "decoder": ...}``; the official model needs about 3.04e12.
    """
    from torch.utils.flop_counter import FlopCounterMode

    model = SalFoM(config, attention="math").eval().to("meta")
    clip = torch.empty(1, 3, config.frames, config.img_size, config.img_size, device="meta")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(clip)
    counts = counter.get_flop_counts()
    total = float(counter.get_total_flops())
    encoder = float(sum(counts.get("SalFoM.encoder", {}).values()))
    return {"total": total, "encoder": encoder, "decoder": total - encoder}
