"""Patch texture loss for the painting GAN: the sliced Wasserstein distance between a batch's
Laplacian-pyramid patches and a fixed bank of real paintings' patches (a texture loss, as in Heitz et
al. 2021, on the patches of ProGAN's measure, training/texture_distance.py).

The projected discriminator judges ImageNet features, which blur brush marks; this term pulls the
samples' pixel statistics, scale by scale, towards the paintings'. A bank of many paintings, not the
batch's 16, is the reference: two batches of 16 real paintings already differ by about as much as the
samples do from the paintings, so a batch-to-batch distance is mostly noise.
"""
import math

import torch
import torch.nn.functional as F

from artstudio.nets.texture_transport import laplacian_pyramid, usable_depth
from training.texture_distance import SMALLEST_LEVEL, normalised, normalised_patches, random_patches


class PatchTextureLoss:
    def __init__(self, paintings: torch.Tensor, pictures: int = 2048, patches_per_picture: int = 64,
                 seed: int = 0, chunk: int = 256) -> None:
        """Build the bank from `pictures` of `paintings` (N, 3, H, W, uint8), `patches_per_picture`
        random patches each per pyramid level, every level normalised as one set."""
        gen = torch.Generator().manual_seed(seed)
        picked = paintings[torch.randperm(len(paintings), generator=gen)[:pictures]]
        self.depth = usable_depth(min(paintings.shape[2:]), math.inf, SMALLEST_LEVEL)
        chunks: list[list[torch.Tensor]] = []
        for start in range(0, len(picked), chunk):
            levels = laplacian_pyramid(picked[start:start + chunk].float() / 255, self.depth)
            chunks.append([random_patches(level, patches_per_picture, gen) for level in levels])
        self.banks = [normalised(torch.cat(level)).flatten(1) for level in zip(*chunks)]

    def __call__(self, images: torch.Tensor, patches_per_image: int = 128, directions: int = 128,
                 bank_sample: int = 16384) -> torch.Tensor:
        """Mean over the pyramid levels of the gap between the sorted projections of the images'
        patches and the bank's quantiles at the same ranks, on fresh random directions each call."""
        distances = []
        for level, bank in zip(laplacian_pyramid(images, self.depth), self.banks):
            patches = normalised_patches(level, patches_per_image, None)
            unit = F.normalize(torch.randn(patches.shape[1], directions), dim=0)
            reference = (bank[torch.randint(len(bank), (bank_sample,))] @ unit).sort(0).values
            ranks = ((torch.arange(len(patches)) + 0.5) * bank_sample / len(patches)).long()
            distances.append(((patches @ unit).sort(0).values - reference[ranks]).abs().mean())
        return sum(distances) / len(distances)
