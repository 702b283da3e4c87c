"""Inpainting network: a small U-Net whose bottleneck uses dilated residual blocks for wide context
and, optionally, Fourier residual blocks (LaMa's fast Fourier convolution) that see the whole picture.

The hole is first given the smooth harmonic fill (artstudio/nets/harmonic_fill.py); the U-Net sees
that plus the mask and predicts a correction on top of it. With its output layer at zero it *is* the
harmonic fill, so training can only start from the classical baseline and improve on it.
Input: RGB in [0, 1] (hole content ignored) and the mask (1 = fill); output: RGB in [0, 1].
The caller keeps every pixel outside the mask from the input; only the hole comes from here.
"""
import torch
from torch import nn

from artstudio.nets.harmonic_fill import harmonic_fill


def conv_block(cin: int, cout: int, stride: int = 1, dilation: int = 1, kernel: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, padding=dilation * (kernel // 2), dilation=dilation),
                         nn.GroupNorm(8, cout), nn.SiLU(inplace=True))


def upsample(x: torch.Tensor) -> torch.Tensor:
    """Bilinear, not nearest: nearest left a faint 8 px grid in large fills."""
    return nn.functional.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


class DilatedResidual(nn.Module):
    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        self.body = nn.Sequential(conv_block(channels, channels, dilation=dilation), conv_block(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class FourierUnit(nn.Module):
    """A 1x1 convolution over the picture's 2-D spectrum: every output pixel depends on every input pixel."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.spectral = conv_block(2 * channels, 2 * channels, kernel=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        spectrum = torch.fft.rfft2(x.float(), norm="ortho")
        mixed = self.spectral(torch.cat([spectrum.real, spectrum.imag], 1))
        real, imag = mixed.chunk(2, 1)
        return torch.fft.irfft2(torch.complex(real, imag), s=(height, width), norm="ortho").to(x.dtype)


class FourierResidual(nn.Module):
    """LaMa's fast Fourier convolution as a residual block: a local 3x3 branch beside a global spectral one.
    Its merge layer starts at zero, so adding the block to a trained network keeps what that network does."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.local = conv_block(channels, channels)
        self.global_ = FourierUnit(channels)
        self.merge = nn.Conv2d(2 * channels, channels, 1)
        nn.init.zeros_(self.merge.weight)
        nn.init.zeros_(self.merge.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.merge(torch.cat([self.local(x), self.global_(x)], 1))


class InpaintUNet(nn.Module):
    """Three downsamplings (1/8 size), four dilated residual blocks and `fourier_blocks` Fourier residual
    blocks, three upsamplings with skips."""

    def __init__(self, width: int = 32, fourier_blocks: int = 0) -> None:
        super().__init__()
        w = width
        self.enc0 = conv_block(4, w)
        self.enc1 = conv_block(w, 2 * w, stride=2)
        self.enc2 = conv_block(2 * w, 4 * w, stride=2)
        self.enc3 = conv_block(4 * w, 4 * w, stride=2)
        self.middle = nn.Sequential(*[DilatedResidual(4 * w, d) for d in (2, 4, 8, 1)],
                                    *[FourierResidual(4 * w) for _ in range(fourier_blocks)])
        self.dec2 = conv_block(8 * w, 4 * w)
        self.dec1 = conv_block(6 * w, 2 * w)
        self.dec0 = conv_block(3 * w, w)
        self.out = nn.Conv2d(w, 3, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    @staticmethod
    def fourier_blocks_in(state: dict[str, torch.Tensor]) -> int:
        """How many Fourier residual blocks a saved state dict holds."""
        return len({key.split(".")[1] for key in state if key.startswith("middle.") and ".global_." in key})

    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sizes must be multiples of 8."""
        prefill = harmonic_fill(image * (1 - mask), mask)
        e0 = self.enc0(torch.cat([prefill, mask], 1))
        e1 = self.enc1(e0)
        e2 = self.enc2(e1)
        m = self.middle(self.enc3(e2))
        d2 = self.dec2(torch.cat([upsample(m), e2], 1))
        d1 = self.dec1(torch.cat([upsample(d2), e1], 1))
        d0 = self.dec0(torch.cat([upsample(d1), e0], 1))
        return (prefill + self.out(d0)).clamp(0, 1)
