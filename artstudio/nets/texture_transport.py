"""Brush texture by patch-distribution transport on a Laplacian pyramid (no weights).

Whitening-colouring matches only the mean and covariance of features, which leaves strokes faint: a
stroke is a rare, strong, oriented pattern, and second moments average it away. Here every band of the
image's Laplacian pyramid (fine detail to broad strokes) has its small pixel patches moved to the
style's patch distribution by sliced optimal transport (Rabin et al. 2011; as in Heitz et al. 2021 and
Elnekave and Weiss 2022): along each direction of a random orthonormal basis, the patches' projections
are mapped quantile to quantile onto the style's, a few rounds; overlapping patches are then averaged
back into pixels and the pyramid is collapsed. The coarsest level (the layout) is kept, so the content
stays where it was.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F

BANDS = 4              # band-pass levels transported: 1 to 8+ px wavelengths at a 512 px image
PATCH_SIDE = 3
STRIDE = 2             # between patches: each pixel is still covered, at a quarter of the cost of every pixel
ROUNDS = 6             # random bases per band
STYLE_PATCHES = 8192   # style patches sampled per band
BINS = 256             # the quantile map is piecewise linear over this many bins of each projection
QUANTILES = 1025       # of each style projection, kept per round
_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16


def _blur(x: torch.Tensor) -> torch.Tensor:
    kernel = (_BINOMIAL[:, None] * _BINOMIAL[None, :]).to(x).expand(x.shape[1], 1, 5, 5)
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), kernel, groups=x.shape[1])


def laplacian_pyramid(image: torch.Tensor, depth: int) -> list[torch.Tensor]:
    """(1, C, H, W) -> `depth` band-pass levels, finest first, then the low-pass residual."""
    levels, current = [], image
    for _ in range(depth):
        low = _blur(current)[:, :, ::2, ::2]
        levels.append(current - F.interpolate(low, size=current.shape[2:], mode="bilinear", align_corners=False))
        current = low
    return levels + [current]


def collapse(levels: list[torch.Tensor]) -> torch.Tensor:
    """The inverse of laplacian_pyramid."""
    out = levels[-1]
    for band in reversed(levels[:-1]):
        out = band + F.interpolate(out, size=band.shape[2:], mode="bilinear", align_corners=False)
    return out


def usable_depth(side: int, depth: float, smallest: int = 8) -> int:
    """As many of `depth` levels as a short side of `side` px allows, the coarsest keeping `smallest` px."""
    levels = 0
    while levels < depth and side >= 2 * smallest:
        side, levels = (side + 1) // 2, levels + 1
    return levels


def _interp_rows(table: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
    """Each row of `table` (D, K) read at fractional positions `pos` (D, N) in [0, K - 1]."""
    i = pos.floor().long().clamp_(0, table.shape[1] - 2)
    return torch.lerp(table.gather(1, i), table.gather(1, i + 1), pos - i)


def _match_rows(values: torch.Tensor, quantiles: torch.Tensor) -> torch.Tensor:
    """Give each row of `values` (D, N) the distribution whose quantiles are the same row of `quantiles`."""
    rows, n = values.shape
    lo, hi = values.min(1, keepdim=True).values, values.max(1, keepdim=True).values
    pos = (values - lo).mul_(BINS / (hi - lo).clamp_min(1e-8))
    counts = torch.zeros(rows, BINS + 1, dtype=values.dtype, device=values.device).scatter_add_(
        1, pos.long().clamp_(0, BINS), torch.ones_like(values))
    cdf = torch.cat([counts.new_zeros(rows, 1), counts[:, :BINS].cumsum(1)], 1) / n      # at the bin edges
    edge_values = _interp_rows(quantiles, cdf * (quantiles.shape[1] - 1))
    return _interp_rows(edge_values, pos)


@dataclass
class BandReference:
    """One band of a style: a sample of its patches (so styles can be pooled), and for each round a
    random orthonormal basis with the quantiles of the sample's projections on it."""
    patches: torch.Tensor       # (D, N)
    bases: torch.Tensor         # (ROUNDS, D, D)
    quantiles: torch.Tensor     # (ROUNDS, D, QUANTILES)


def band_reference(patches: torch.Tensor, seed: int) -> BandReference:
    gen = torch.Generator().manual_seed(seed)
    dims = patches.shape[0]
    bases = torch.stack([torch.linalg.qr(torch.randn(dims, dims, generator=gen))[0] for _ in range(ROUNDS)]).to(patches)
    ranks = torch.linspace(0, patches.shape[1] - 1, QUANTILES, device=patches.device).round().long()
    quantiles = torch.stack([(basis.T @ patches).sort(1).values[:, ranks] for basis in bases])
    return BandReference(patches, bases, quantiles)


def style_references(style: torch.Tensor, seed: int = 0) -> list[BandReference]:
    """What transport_texture needs of a style image (1, 3, H, W): one reference per band, finest first."""
    gen = torch.Generator().manual_seed(seed)
    references = []
    for level, band in enumerate(laplacian_pyramid(style, usable_depth(min(style.shape[2:]), BANDS))[:-1]):
        patches = F.unfold(band, PATCH_SIDE)[0]
        sample = patches[:, torch.randperm(patches.shape[1], generator=gen)[:STYLE_PATCHES].to(patches.device)]
        references.append(band_reference(sample, seed + level))
    return references


def pool_references(weighted: list[tuple[list[BandReference], float]], seed: int = 0) -> list[BandReference]:
    """One style's references from several, their patches pooled in proportion to the weights (sum 1)."""
    if len(weighted) == 1:
        return weighted[0][0]
    depth = min(len(references) for references, _ in weighted)
    return [band_reference(torch.cat([refs[level].patches[:, :max(1, round(refs[level].patches.shape[1] * weight))]
                                      for refs, weight in weighted], 1), seed + level) for level in range(depth)]


def _transport_band(band: torch.Tensor, reference: BandReference) -> torch.Tensor:
    """Patches on a grid of STRIDE px (every pixel in at least one), moved, then averaged back."""
    h, w = band.shape[2:]
    pad = PATCH_SIDE // 2
    padded = F.pad(band, (pad, pad + STRIDE - 1, pad, pad + STRIDE - 1), mode="replicate")
    patches = F.unfold(padded, PATCH_SIDE, stride=STRIDE)[0]      # (D, positions)
    for basis, quantiles in zip(reference.bases, reference.quantiles):
        projected = basis.T @ patches
        patches += basis @ (_match_rows(projected, quantiles) - projected)
    size = padded.shape[2:]
    summed = F.fold(patches[None], size, PATCH_SIDE, stride=STRIDE)
    count = F.fold(torch.ones_like(patches[None]), size, PATCH_SIDE, stride=STRIDE)
    return (summed / count)[:, :, pad:pad + h, pad:pad + w]


def transport_texture(image: torch.Tensor, references: list[BandReference]) -> torch.Tensor:
    """`image` (1, 3, H, W) with each band's patches moved to the style's (from `style_references`)."""
    levels = laplacian_pyramid(image, usable_depth(min(image.shape[2:]), len(references)))
    moved = [_transport_band(band, ref) for band, ref in zip(levels[:-1], references)]
    return collapse(moved + [levels[-1]])
