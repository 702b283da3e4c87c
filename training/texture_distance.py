"""Texture distance apart from colour: sliced Wasserstein distance between Laplacian-pyramid patches.

As in ProGAN (Karras et al. 2018): each image is split into a Laplacian pyramid, random 7x7 patches
are drawn from every level, each set of patches is normalised per channel by its own mean and spread
(so a recolouring alone scores like the original), and the two sets are compared by the sliced
Wasserstein distance (the mean gap between sorted 1-D projections on random directions), averaged
over the levels and scaled by 1,000. Lower means the brush marks and their scales are closer.
"""
import math

import torch
import torch.nn.functional as F

from artstudio.nets.texture_transport import laplacian_pyramid, usable_depth

PATCH = 7
PATCHES_PER_LEVEL = 2048
DIRECTIONS = 512
SMALLEST_LEVEL = 16


def normalised_patches(level: torch.Tensor, count: int, gen: torch.Generator | None) -> torch.Tensor:
    """`count` random 7x7 patches from each picture of one level (N, 3, H, W), as (N * count, 3 * 49)
    vectors, the whole set normalised per channel."""
    return normalised(random_patches(level, count, gen)).flatten(1)


def random_patches(level: torch.Tensor, count: int, gen: torch.Generator | None) -> torch.Tensor:
    """`count` random 7x7 patches from each picture of one level (N, 3, H, W), as (N * count, 3, 7, 7)."""
    n, _, h, w = level.shape
    owners = torch.arange(n).repeat_interleave(count)
    ys = torch.randint(0, h - PATCH + 1, (n * count,), generator=gen)
    xs = torch.randint(0, w - PATCH + 1, (n * count,), generator=gen)
    offsets = torch.arange(PATCH)
    rows = (ys[:, None] + offsets)[:, :, None].expand(-1, PATCH, PATCH)
    cols = (xs[:, None] + offsets)[:, None, :].expand(-1, PATCH, PATCH)
    return level.permute(0, 2, 3, 1)[owners[:, None, None], rows, cols].permute(0, 3, 1, 2)


def normalised(patches: torch.Tensor) -> torch.Tensor:
    """A set of patches (M, 3, 7, 7) with each channel at zero mean and unit spread over the set."""
    mean = patches.mean((0, 2, 3), keepdim=True)
    return (patches - mean) / patches.std((0, 2, 3), keepdim=True).clamp_min(1e-8)


def sliced_wasserstein(a: torch.Tensor, b: torch.Tensor, gen: torch.Generator) -> float:
    directions = F.normalize(torch.randn(a.shape[1], DIRECTIONS, generator=gen), dim=0)
    pa, pb = (a @ directions).sort(0).values, (b @ directions).sort(0).values
    return float((pa - pb).abs().mean())


@torch.no_grad()
def texture_distance_by_level(image: torch.Tensor, reference: torch.Tensor, seed: int = 0,
                              patches_per_image: int = PATCHES_PER_LEVEL) -> list[float]:
    """SWD x 1,000 for each pyramid level, finest first (the last is the low-pass residual): which
    scale, from brush marks to layout, two sets differ at."""
    gen = torch.Generator().manual_seed(seed)
    depth = usable_depth(min(min(image.shape[2:]), min(reference.shape[2:])), math.inf, SMALLEST_LEVEL)
    levels_a, levels_b = laplacian_pyramid(image.float(), depth), laplacian_pyramid(reference.float(), depth)
    return [1000 * sliced_wasserstein(normalised_patches(a, patches_per_image, gen),
                                      normalised_patches(b, patches_per_image, gen), gen)
            for a, b in zip(levels_a, levels_b)]


def texture_distance(image: torch.Tensor, reference: torch.Tensor, seed: int = 0,
                     patches_per_image: int = PATCHES_PER_LEVEL) -> float:
    """SWD x 1,000 between the pyramid patches of two pictures (1, 3, H, W) or two sets of pictures
    (N, 3, H, W), values in [0, 1], any sizes, averaged over the levels; a set gives `patches_per_image`
    from each picture per level (ProGAN's GAN measure uses 128 per picture)."""
    scores = texture_distance_by_level(image, reference, seed, patches_per_image)
    return sum(scores) / len(scores)
