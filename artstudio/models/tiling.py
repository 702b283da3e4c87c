"""Run an image network over overlapping tiles with feathered blending: bounded memory, no seams.

Each tile is padded (reflect) to the network's size multiple, run, and its output weighted by a ramp
that falls to near zero over the overlap, so neighbouring tiles cross-fade instead of meeting at an
edge. `tile_steps` is a generator, so a caller can report progress and stop between tiles.
"""
import math
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F

Network = Callable[[torch.Tensor], torch.Tensor]


def _starts(length: int, tile: int, overlap: int) -> list[int]:
    """As few tiles as cover `length` with at least `overlap` between neighbours, evenly spaced."""
    if length <= tile:
        return [0]
    count = math.ceil((length - overlap) / (tile - overlap))
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def _ramp(length: int, fade: int, at_start: bool, at_end: bool) -> torch.Tensor:
    """1 inside, rising over `fade` pixels at a side that meets another tile."""
    weights = torch.ones(length)
    fade = min(fade, length // 2)
    if fade > 0:
        rise = (torch.arange(fade, dtype=torch.float32) + 0.5) / fade
        if at_start:
            weights[:fade] = rise
        if at_end:
            weights[-fade:] = rise.flip(0)
    return weights


def run_padded(net: Network, x: torch.Tensor, multiple: int, scale: int) -> torch.Tensor:
    """net(x) for any size: reflect-pad to a multiple of `multiple`, crop the output back."""
    h, w = x.shape[2:]
    pad_h, pad_w = (-h) % multiple, (-w) % multiple
    if pad_h or pad_w:
        x = F.pad(x, (0, pad_w, 0, pad_h), mode="reflect" if min(h, w) > max(pad_h, pad_w) else "replicate")
    return net(x)[:, :, :h * scale, :w * scale]


def tile_steps(net: Network, x: torch.Tensor, *, scale: int = 1, tile: int = 256, overlap: int = 32,
               multiple: int = 1) -> Iterator[tuple[int, int, torch.Tensor | None]]:
    """Yields (tiles done, tiles in all, None) after each tile, then (all, all, output)."""
    _, c, h, w = x.shape
    rows, cols = _starts(h, tile, overlap), _starts(w, tile, overlap)
    out = torch.zeros(1, c, h * scale, w * scale)
    total_weight = torch.zeros(1, 1, h * scale, w * scale)
    count = len(rows) * len(cols)
    done = 0
    for top in rows:
        for left in cols:
            patch = x[:, :, top:top + tile, left:left + tile]
            result = run_padded(net, patch, multiple, scale).float().cpu()
            ph, pw = result.shape[2:]
            weight = (_ramp(ph, overlap * scale // 2, top > 0, top + tile < h)[:, None]
                      * _ramp(pw, overlap * scale // 2, left > 0, left + tile < w)[None, :])
            out[:, :, top * scale:top * scale + ph, left * scale:left * scale + pw] += result * weight
            total_weight[:, :, top * scale:top * scale + ph, left * scale:left * scale + pw] += weight
            done += 1
            yield done, count, None
    yield count, count, out / total_weight.clamp_min(1e-6)


def tiled(net: Network, x: torch.Tensor, **kwargs) -> torch.Tensor:
    """The output of tile_steps, without the progress."""
    for _, _, result in tile_steps(net, x, **kwargs):
        if result is not None:
            return result
    raise RuntimeError("tile_steps ended without a result")
