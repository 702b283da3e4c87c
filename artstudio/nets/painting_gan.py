"""Painting generator: a mapping network (z -> w) and a small synthesis network (w -> 128 px RGB).

At 128 px the picture is the sum of two parts (a skip design, as in StyleGAN2): a bilinear upsample
of the 64 px features turned to RGB, which carries colour and form, and a narrow 16-channel block at
128 px that adds the finest brush marks, which an upsample cannot draw. Narrow blocks keep a sample
under 50 ms on a laptop CPU.

Every synthesis block is modulated by w (per-channel scale and shift after pixel normalisation), so
directions in w space change the whole image coherently; `training/find_directions.py` finds and
names them. Trained by `training/train_gan.py` against a projected discriminator.
"""
import torch
from torch import nn

Z_DIM = 128
W_DIM = 256
CHANNELS = (256, 256, 128, 64, 32)      # at 4, 8, 16, 32, 64 px
FINE_CHANNELS = 16                      # at 128 px


class PixelNorm(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + 1e-8)


class Mapping(nn.Module):
    def __init__(self, layers: int = 4) -> None:
        super().__init__()
        blocks: list[nn.Module] = [PixelNorm()]
        for i in range(layers):
            linear = nn.Linear(Z_DIM if i == 0 else W_DIM, W_DIM)
            nn.init.kaiming_normal_(linear.weight, a=0.2)   # keeps w's spread across samples layer by layer
            nn.init.zeros_(linear.bias)
            blocks += [linear, nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*blocks)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class ModulatedBlock(nn.Module):
    """Upsample x2, 3x3 conv, pixel norm, w-driven scale and shift, LeakyReLU."""

    def __init__(self, cin: int, cout: int, upsample: bool = True) -> None:
        super().__init__()
        self.upsample = upsample
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = PixelNorm()
        self.affine = nn.Linear(W_DIM, 2 * cout)
        nn.init.zeros_(self.affine.bias)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        if self.upsample:
            x = nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")
        scale, shift = self.affine(w)[:, :, None, None].chunk(2, 1)
        return nn.functional.leaky_relu(self.norm(self.conv(x)) * (1 + scale) + shift, 0.2)


class Synthesis(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.start = nn.Linear(W_DIM, CHANNELS[0] * 16)
        self.blocks = nn.ModuleList([ModulatedBlock(CHANNELS[0], CHANNELS[0], upsample=False)] +
                                    [ModulatedBlock(a, b) for a, b in zip(CHANNELS[:-1], CHANNELS[1:])])
        self.to_rgb = nn.Conv2d(CHANNELS[-1], 3, 3, padding=1)
        self.fine = ModulatedBlock(CHANNELS[-1], FINE_CHANNELS)
        self.fine_to_rgb = nn.Conv2d(FINE_CHANNELS, 3, 3, padding=1)
        nn.init.zeros_(self.fine_to_rgb.weight)      # starts adding nothing: a network trained without it
        nn.init.zeros_(self.fine_to_rgb.bias)        # keeps its pictures when the block joins

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        x = self.start(w).view(-1, CHANNELS[0], 4, 4)
        for block in self.blocks:
            x = block(x, w)
        coarse = self.to_rgb(nn.functional.interpolate(x, scale_factor=2.0, mode="bilinear"))
        return torch.sigmoid(coarse + self.fine_to_rgb(self.fine(x, w)))


class Generator(nn.Module):
    """z (N, 128) -> RGB in [0, 1], (N, 3, 128, 128). `w_mean` supports the truncation trick."""

    def __init__(self) -> None:
        super().__init__()
        self.mapping = Mapping()
        self.synthesis = Synthesis()
        self.register_buffer("w_mean", torch.zeros(W_DIM))

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        w = self.mapping(z)
        return self.synthesis(self.w_mean + truncation * (w - self.w_mean))
