"""EfficientNet-Lite feature extractors (ImageNet weights). Lite0 is used frozen by the GAN's discriminator
and as the loss network of the stylizer's detailed mode; Lite0 and Lite2 are two of the classifier's
backbones.

Mirrors the TensorFlow model the weights come from: "same" padding, ReLU6, no squeeze-excite.
Input: RGB in [0, 1] (normalised here with mean = std = 0.5). `training/convert_backbones.py`
writes the weights.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

Stage = tuple[int, int, int, int, int]
# (repeats, kernel, stride, expand, out_channels) per stage, from efficientnet_lite_builder.py; Lite2 is Lite0
# 1.1 times as wide and 1.2 times as deep, its stem and last stage kept (the builder's fix_head_stem)
LITE0_STAGES: list[Stage] = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
                             (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
LITE2_STAGES: list[Stage] = [(1, 3, 1, 1, 16), (3, 3, 2, 6, 24), (3, 5, 2, 6, 48), (4, 3, 2, 6, 88),
                             (4, 5, 1, 6, 120), (5, 5, 2, 6, 208), (1, 3, 1, 6, 352)]


def block_channels(stages: list[Stage]) -> list[int]:
    """The output channels of each block, in order."""
    return [cout for repeats, *_, cout in stages for _ in range(repeats)]


class SameConv(nn.Conv2d):
    """TensorFlow 'SAME' padding: extra padding goes to the bottom and right."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        s = self.stride[0]
        ph = max((math.ceil(ih / s) - 1) * s + kh - ih, 0)
        pw = max((math.ceil(iw / s) - 1) * s + kw - iw, 0)
        return super().forward(F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)))


def bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=1e-3)


class MBConv(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv, self._bn0 = nn.Conv2d(cin, mid, 1, bias=False), bn(mid)
        self._depthwise_conv = SameConv(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = bn(mid)
        self._project_conv, self._bn2 = nn.Conv2d(mid, cout, 1, bias=False), bn(cout)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        h = self._bn2(self._project_conv(F.relu6(self._bn1(self._depthwise_conv(h)))))
        return x + h if self.skip else h


class EfficientNetLite(nn.Module):
    """Returns the outputs of the blocks listed in `taps` (indices into `_blocks`); Lite0 unless given the
    stages of another size."""

    def __init__(self, stages: list[Stage] = LITE0_STAGES) -> None:
        super().__init__()
        self._conv_stem, self._bn0 = SameConv(3, 32, 3, 2, bias=False), bn(32)
        blocks, cin = [], 32
        for repeats, kernel, stride, expand, cout in stages:
            for i in range(repeats):
                blocks.append(MBConv(cin, cout, kernel, stride if i == 0 else 1, expand))
                cin = cout
        self._blocks = nn.ModuleList(blocks)

    def stem(self, rgb: torch.Tensor) -> torch.Tensor:
        return F.relu6(self._bn0(self._conv_stem(rgb * 2 - 1)))

    def forward(self, rgb: torch.Tensor, taps: tuple[int, ...]) -> list[torch.Tensor]:
        x = self.stem(rgb)
        out = []
        for i, block in enumerate(self._blocks):
            x = block(x)
            if i in taps:
                out.append(x)
                if len(out) == len(taps):
                    break
        return out
