"""RRDBNet, the generator of ESRGAN / Real-ESRGAN x4plus (Wang et al. 2018, 2021), for converted weights.

23 residual-in-residual dense blocks at 64 channels, then two nearest x2 upsamplings with a
convolution each. The layer order matches the ncnn graph that training/convert_realesrgan.py reads.
"""
import torch
from torch import nn


def lrelu(x: torch.Tensor) -> torch.Tensor:
    return nn.functional.leaky_relu(x, 0.2)


class DenseBlock(nn.Module):
    """Five convolutions, each seeing the block input and every earlier output; residual scaled by 0.2."""

    def __init__(self, channels: int = 64, growth: int = 32) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(channels + i * growth, growth if i < 4 else channels, 3, padding=1)
                                   for i in range(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for i, conv in enumerate(self.convs):
            out = conv(torch.cat(features, 1))
            if i < 4:
                features.append(lrelu(out))
        return x + 0.2 * out


class RRDB(nn.Module):
    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        self.blocks = nn.Sequential(*(DenseBlock(channels) for _ in range(3)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + 0.2 * self.blocks(x)


class RRDBNet(nn.Module):
    """RGB in [0, 1] -> RGB at 4x the size."""

    multiple = 1

    def __init__(self, channels: int = 64, blocks: int = 23) -> None:
        super().__init__()
        self.conv_first = nn.Conv2d(3, channels, 3, padding=1)
        self.body = nn.Sequential(*(RRDB(channels) for _ in range(blocks)))
        self.conv_body = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv_up1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv_up2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv_hr = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv_last = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.body(feat))
        feat = lrelu(self.conv_up1(nn.functional.interpolate(feat, scale_factor=2, mode="nearest")))
        feat = lrelu(self.conv_up2(nn.functional.interpolate(feat, scale_factor=2, mode="nearest")))
        return self.conv_last(lrelu(self.conv_hr(feat)))
