"""PatchGAN discriminators (Isola et al. 2017) for the inpainting network and the painting GAN.

A PatchDiscriminator gives one real/fake logit per overlapping patch (about 46 px wide) at 1/8 of the
input size, so the inpainting loss can count only the patches that touch the hole as fake, as LaMa does.
The painting GAN uses a stack of them on an image pyramid to judge brush marks in pixels.
"""
import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from training.projected_discriminator import diff_augment


class PatchDiscriminator(nn.Module):
    def __init__(self, width: int = 64) -> None:
        super().__init__()
        w = width
        self.net = nn.Sequential(
            spectral_norm(nn.Conv2d(3, w, 4, 2, 1)), nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(2 * w, 4 * w, 4, 2, 1)), nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(4 * w, 4 * w, 3, 1, 1)), nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(4 * w, 1, 3, 1, 1)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images * 2 - 1)


class MultiScalePatchDiscriminator(nn.Module):
    """PatchDiscriminators on the image, its half-size and its quarter-size copies (as in pix2pixHD, Wang et
    al. 2018): a pixel-space judge of brush marks, strokes and layout for the painting GAN, whose projected
    discriminator sees only ImageNet features that blur such detail. Like that one it applies DiffAugment
    to every batch it judges. Returns all scales' logits together."""

    def __init__(self, width: int = 32, scales: int = 3) -> None:
        super().__init__()
        self.scales = nn.ModuleList([PatchDiscriminator(width) for _ in range(scales)])

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        logits = []
        images = diff_augment(images)
        for judge in self.scales:
            logits.append(judge(images).flatten(1))
            images = nn.functional.avg_pool2d(images, 2)
        return torch.cat(logits, 1)


def hole_patches(masks: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """1 where a logit's patch overlaps the hole, else 0, at the logits' size."""
    return nn.functional.adaptive_max_pool2d(masks, logits.shape[2:])


def masked_mean(values: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    return (values * weights).sum() / weights.sum().clamp(min=1)
