"""SalFoM configurations: the official one (the checkpoint's shapes) and a tiny one with the same topology."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SalFoMConfig:
    """Sizes of a SalFoM network (``../shared/specs/salfom.md`` sections 2, 3 and 8).

    ``widths`` are the decoder widths that are 512, 256, 128, 64, 32 and 16 in the official model.
    """

    img_size: int = 224
    patch_size: int = 16
    frames: int = 16
    embed_dim: int = 1024
    depth: int = 24
    num_heads: int = 16
    num_classes: int = 400
    widths: tuple[int, int, int, int, int, int] = (512, 256, 128, 64, 32, 16)
    swin_heads: int = 8
    swin_depth: int = 6
    swin_drop_path: float = 0.2

    def __post_init__(self) -> None:
        if self.img_size % self.patch_size:
            raise ValueError(f"img_size {self.img_size} must be a multiple of patch_size {self.patch_size}")
        if self.frames != 16:
            raise ValueError("SalFoM's temporal strides need 16 frames per clip")
        if self.embed_dim % self.num_heads:
            raise ValueError(f"embed_dim {self.embed_dim} is not divisible by num_heads {self.num_heads}")
        w256, w64, w16 = self.widths[1], self.widths[3], self.widths[5]
        for dim in (w256, w64, w16):
            if dim % self.swin_heads:
                raise ValueError(f"Swin width {dim} is not divisible by swin_heads {self.swin_heads}")

    @property
    def grid(self) -> int:
        """Patches per side (14 for the official 224 px input)."""
        return self.img_size // self.patch_size

    @property
    def n_tokens(self) -> int:
        return self.frames * self.grid * self.grid

    def to_dict(self) -> dict:
        out = asdict(self)
        out["widths"] = list(self.widths)
        return out


OFFICIAL = SalFoMConfig()
"""The published model: UMT ViT-L/16 (1024 wide, 24 blocks), 16 x 224 x 224 clips."""

TINY = SalFoMConfig(img_size=64, embed_dim=64, depth=2, num_heads=4, num_classes=10, widths=(32, 16, 16, 8, 8, 8),
                    swin_heads=2, swin_depth=2)
"""Same module tree and forward at toy sizes (16 x 64 x 64 clips), for tests and demos on a CPU."""
