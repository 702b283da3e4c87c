"""Classical inpainting: harmonic (Laplace) fill solved coarse-to-fine on an image pyramid.

Each hole pixel becomes the average of its neighbours, so holes take the smooth continuation of
their border (exact for linear gradients). It needs no training and is the baseline the network
is measured against.
"""
import torch
import torch.nn.functional as F

_NEIGHBOURS = torch.tensor([[0.0, 0.25, 0.0], [0.25, 0.0, 0.25], [0.0, 0.25, 0.0]])


def _relax(image: torch.Tensor, hole: torch.Tensor, iterations: int) -> torch.Tensor:
    kernel = _NEIGHBOURS.to(image)[None, None].repeat(image.shape[1], 1, 1, 1)
    for _ in range(iterations):
        average = F.conv2d(F.pad(image, (1, 1, 1, 1), mode="replicate"), kernel, groups=image.shape[1])
        image = torch.where(hole > 0, average, image)
    return image


def harmonic_fill(image: torch.Tensor, hole: torch.Tensor, iterations: int = 60) -> torch.Tensor:
    """image (1, C, H, W), hole (1, 1, H, W) with 1 = fill. Returns the image with holes filled."""
    known = 1 - hole
    if known.sum() == 0:
        return image
    if min(image.shape[2:]) > 8 and hole.mean() > 0:
        small_known = F.avg_pool2d(known, 2, ceil_mode=True)
        small_image = F.avg_pool2d(image * known, 2, ceil_mode=True) / small_known.clamp(min=1e-6)
        small_hole = (small_known < 1e-6).float()
        coarse = harmonic_fill(small_image, small_hole, iterations)
        guess = F.interpolate(coarse, size=image.shape[2:], mode="bilinear", align_corners=False)
        image = torch.where(hole > 0, guess, image)
    return _relax(image, hole, iterations)
