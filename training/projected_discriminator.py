"""Projected discriminator (Sauer et al. 2021) on frozen EfficientNet-Lite0 features, with DiffAugment.

Four feature levels of the frozen network are each mixed by a fixed random 1x1 convolution
(cross-channel mixing) and judged by a small spectrally normalised conv head; the logits of all
levels are returned together. Only the heads train.
"""
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from artstudio.nets.efficientnet_lite import EfficientNetLite
from artstudio.weights import load_into

TAPS = (2, 4, 10, 15)                 # block outputs: 24 ch @ 1/4, 40 @ 1/8, 112 @ 1/16, 320 @ 1/32
TAP_CHANNELS = (24, 40, 112, 320)
MIXED = (64, 128, 256, 512)


def diff_augment(x: torch.Tensor) -> torch.Tensor:
    """DiffAugment (Zhao et al. 2020): colour, translation and cutout, differentiable, per sample."""
    n = x.shape[0]
    x = x + (torch.rand(n, 1, 1, 1, device=x.device) - 0.5) * 0.4
    mean = x.mean(1, keepdim=True)
    x = (x - mean) * (torch.rand(n, 1, 1, 1, device=x.device) * 1.0 + 0.5) + mean
    mean = x.mean((1, 2, 3), keepdim=True)
    x = (x - mean) * (torch.rand(n, 1, 1, 1, device=x.device) * 0.6 + 0.7) + mean
    h, w = x.shape[2:]
    shift = h // 8
    dx, dy = torch.randint(-shift, shift + 1, (2,)).tolist()
    x = torch.roll(F.pad(x, (shift,) * 4, mode="reflect"), (dy, dx), (2, 3))[:, :, shift:shift + h, shift:shift + w]
    cut = torch.ones(n, 1, h, w, device=x.device)
    for i in range(n):
        cy, cx = torch.randint(0, h, (2,)).tolist()
        cut[i, :, max(0, cy - h // 4):cy + h // 4, max(0, cx - w // 4):cx + w // 4] = 0
    return x * cut


def with_batch_spread(x: torch.Tensor) -> torch.Tensor:
    """Append the batch's mean feature standard deviation as a channel (StyleGAN's minibatch std),
    so a generator that gives every seed the same picture is easy to tell apart."""
    spread = x.std(0, unbiased=False).mean().expand(x.shape[0], 1, *x.shape[2:])
    return torch.cat([x, spread], 1)


def head(channels: int, downsamples: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    cin = channels + 1
    for _ in range(downsamples):
        layers += [spectral_norm(nn.Conv2d(cin, channels, 4, 2, 1)), nn.LeakyReLU(0.2)]
        cin = channels
    return nn.Sequential(*layers, spectral_norm(nn.Conv2d(cin, 1, 1)))


class ProjectedDiscriminator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = load_into(EfficientNetLite(), "efficientnet_lite0_imagenet.pt")
        self.mixers = nn.ModuleList([nn.Conv2d(c, m, 1) for c, m in zip(TAP_CHANNELS, MIXED)])
        self.mixers.requires_grad_(False)
        self.heads = nn.ModuleList([head(m, d) for m, d in zip(MIXED, (3, 2, 1, 0))])

    def train(self, mode: bool = True) -> "ProjectedDiscriminator":
        super().train(mode)
        self.features.eval()
        return self

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        feats = self.features(diff_augment(images), TAPS)
        return torch.cat([h(with_batch_spread(m(f))).flatten(1) for f, m, h in zip(feats, self.mixers, self.heads)], 1)
