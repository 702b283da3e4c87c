"""Exemplar detail for smooth fills: fine texture copied from matching places in the same picture.

The network gives a hole its broad colours and shapes, but its fill is smooth, which reads as a blur
patch in grass, foliage, earth or stone. Here the hole is cut into tiles; for each tile, shifts on a
coarse grid are scored by how well the known picture at that shift matches the fill's low frequencies
around the tile, and the best place's high-frequency detail (picture minus its Gaussian blur) is added
to the fill, tiles blended by overlapping Hann windows. The score also asks that the source's detail be
as strong as the detail around the hole, and copied detail is cut back to that strength, so a hole in
soft bokeh does not get a flower's outlines. This is exemplar-based completion (Criminisi et al. 2004;
Wexler et al. 2007) reduced to one layer of detail over a learned fill: structure comes from the
network, texture from the picture itself.
"""
import math

import torch
import torch.nn.functional as F

from artstudio.nets.harmonic_fill import harmonic_fill

MAX_SIDE = 1024      # px: larger pictures are worked on at this size and the detail enlarged (memory, time)
SIGMA = 2.0          # px: the detail is what a Gaussian blur of this width removes
SEARCH_SIDE = 128    # px: shifts are scored on a copy of about this long side
MIN_FACTOR = 4       # ... but never finer than 1/4 size
TILE_CELLS = 8       # one source shift per tile of this many search cells (32 px at 1/4 size)
MAX_STEPS = 16       # the shift grid has at most (2 * MAX_STEPS + 1) ** 2 points
EDGE_LIMIT = 2.0     # detail stronger than this many times the picture's mean is cut back: texture, not edges
SHIFT_BATCH = 64     # shifts scored together (memory: 64 x 5 channels x search size)
TEXTURE_WEIGHT = 5.0  # how much a source's detail strength must match the strength expected in the hole


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur with reflected borders (torchvision's gaussian_blur, without importing
    torchvision's transforms: a second off the app's start)."""
    radius = math.ceil(3 * sigma)
    taps = torch.exp(-0.5 * (torch.arange(-radius, radius + 1, dtype=x.dtype) / sigma) ** 2)
    taps = (taps / taps.sum()).to(x.device)
    channels = x.shape[1]
    x = F.pad(x, (radius,) * 4, mode="reflect")
    x = F.conv2d(x, taps.view(1, 1, 1, -1).expand(channels, 1, 1, -1), groups=channels)
    return F.conv2d(x, taps.view(1, 1, -1, 1).expand(channels, 1, -1, 1), groups=channels)


def _best_shifts(fill_low: torch.Tensor, known_low: torch.Tensor, usable: torch.Tensor, hole: torch.Tensor,
                 tile: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per tile (search-size pixels): the (dy, dx) whose place best matches the fill over the tile's
    window (the tile and half a tile around it) and is known wherever the window is in the hole, and
    whether one was found. Shifts are scored SHIFT_BATCH at a time."""
    h, w = hole.shape[-2:]
    rows, cols = -(-h // tile), -(-w // tile)
    pad = (0, cols * tile - w, 0, rows * tile - h)
    ys, xs = torch.nonzero(hole[0, 0] > 0, as_tuple=True)
    reach = int(max(ys.max() - ys.min(), xs.max() - xs.min())) + 2 * tile
    step = max(1, -(-reach // MAX_STEPS))
    shifts = [(dy, dx) for dy in range(-reach, reach + 1, step) for dx in range(-reach, reach + 1, step) if dy or dx]
    source, source_ok = F.pad(known_low, (reach,) * 4), F.pad(usable, (reach,) * 4)   # outside the picture: unusable
    best = torch.full((rows, cols), math.inf, device=hole.device)
    best_index = torch.zeros(rows, cols, dtype=torch.long, device=hole.device)
    for start in range(0, len(shifts), SHIFT_BATCH):
        batch = shifts[start:start + SHIFT_BATCH]
        moved = torch.cat([source[..., reach + dy:reach + dy + h, reach + dx:reach + dx + w] for dy, dx in batch])
        moved_ok = torch.cat([source_ok[..., reach + dy:reach + dy + h, reach + dx:reach + dx + w] for dy, dx in batch])
        error = F.pad((fill_low - moved).pow(2).sum(1, keepdim=True), pad)
        cost = F.avg_pool2d(error, 2 * tile, tile, tile // 2, count_include_pad=False)[:, 0, :rows, :cols]
        blocked = F.max_pool2d(F.pad(hole * (1 - moved_ok), pad), 2 * tile, tile, tile // 2)[:, 0, :rows, :cols] > 0
        distance = torch.tensor([math.hypot(dy, dx) for dy, dx in batch], device=hole.device)[:, None, None]
        cost = torch.where(blocked, math.inf, cost + 1e-4 * distance)     # ties go to nearby places
        value, index = cost.min(0)
        better = value < best
        best = torch.where(better, value, best)
        best_index = torch.where(better, index + start, best_index)
    has_hole = F.max_pool2d(F.pad(hole, pad), tile)[0, 0] > 0
    return torch.tensor(shifts, device=hole.device)[best_index], has_hole & torch.isfinite(best)


def _detail_layer(image: torch.Tensor, hole: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The picture's low frequencies (from known pixels only), its detail with strong edges cut back,
    and where that detail is usable (far enough from the hole that the blur did not see it)."""
    known = 1 - hole
    guard = math.ceil(3 * SIGMA)
    usable = 1 - F.max_pool2d(hole, 2 * guard + 1, 1, guard)
    low = _blur(image * known, SIGMA) / _blur(known, SIGMA).clamp_min(1e-3)
    detail = (image - low) * usable
    magnitude = detail.norm(dim=1, keepdim=True)
    typical = magnitude.sum() / usable.sum().clamp_min(1)
    return low, detail * (EDGE_LIMIT * typical / magnitude.clamp_min(1e-6)).clamp(max=1), usable


def _paste_tiles(detail: torch.Tensor, shifts: torch.Tensor, found: torch.Tensor, tile: int) -> torch.Tensor:
    """Each found tile's window of detail, taken from its shifted place, blended by Hann windows."""
    window = torch.hann_window(2 * tile + 2, periodic=False, device=detail.device)[1:-1]
    window = window[:, None] * window[None, :]
    h, w = detail.shape[-2:]
    total = detail.new_zeros(1, 3, h + 4 * tile, w + 4 * tile)     # 2 tiles of margin each side
    weight = detail.new_zeros(1, 1, h + 4 * tile, w + 4 * tile)
    for row, col in found.nonzero().tolist():
        top, left = row * tile - tile // 2, col * tile - tile // 2
        dy, dx = shifts[row, col].tolist()
        ys = torch.arange(top + dy, top + dy + 2 * tile, device=detail.device).clamp(0, h - 1)
        xs = torch.arange(left + dx, left + dx + 2 * tile, device=detail.device).clamp(0, w - 1)
        total[:, :, top + 2 * tile:top + 4 * tile, left + 2 * tile:left + 4 * tile] += detail[:, :, ys][:, :, :, xs] * window
        weight[:, :, top + 2 * tile:top + 4 * tile, left + 2 * tile:left + 4 * tile] += window
    return (total / weight.clamp_min(1e-6))[:, :, 2 * tile:2 * tile + h, 2 * tile:2 * tile + w]


@torch.no_grad()
def copy_detail(image: torch.Tensor, filled: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
    """image, filled (1, 3, H, W) in [0, 1] (`filled` = image with the hole filled smoothly), hole
    (1, 1, H, W) with 1 = filled. Returns `filled` with copied detail added inside the hole."""
    if hole.sum() == 0 or hole.mean() == 1:
        return filled
    h, w = image.shape[-2:]
    if max(h, w) > MAX_SIDE:
        size = (max(1, round(h * MAX_SIDE / max(h, w))), max(1, round(w * MAX_SIDE / max(h, w))))
        shrink = lambda t: F.interpolate(t, size=size, mode="area")     # noqa: E731
        small_filled = shrink(filled)
        added = copy_detail(shrink(image), small_filled, (shrink(hole) > 0).float()) - small_filled
        return (filled + F.interpolate(added, size=(h, w), mode="bilinear") * hole).clamp(0, 1)
    low, detail, usable = _detail_layer(image, hole)
    factor = max(MIN_FACTOR, math.ceil(max(h, w) / SEARCH_SIDE))
    small = lambda t: F.avg_pool2d(t, factor, ceil_mode=True)     # noqa: E731
    grow = lambda t: F.interpolate(t, scale_factor=factor, mode="bilinear")[..., :h, :w]     # noqa: E731
    small_usable = -F.max_pool2d(-usable, factor, ceil_mode=True)
    strength = small(detail.norm(dim=1, keepdim=True))
    expected = harmonic_fill(strength, 1 - small_usable)     # in the hole: the strength of the detail around it
    shifts, found = _best_shifts(torch.cat([small(_blur(filled, SIGMA)), TEXTURE_WEIGHT * expected], 1),
                                 torch.cat([small(low), TEXTURE_WEIGHT * strength], 1), small_usable,
                                 F.max_pool2d(hole, factor, ceil_mode=True), TILE_CELLS)
    copied = _paste_tiles(detail, shifts * factor, found, TILE_CELLS * factor)
    copied_strength = grow(small(copied.norm(dim=1, keepdim=True)))
    copied = copied * (grow(expected) / copied_strength.clamp_min(1e-6)).clamp(max=1)     # no stronger than around
    return (filled + copied * hole).clamp(0, 1)
