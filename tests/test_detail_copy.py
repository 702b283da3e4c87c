"""Exemplar detail: a smooth fill gets the picture's own fine texture back, and nothing outside the hole moves."""
import math

import torch

from artstudio.nets.detail_copy import SIGMA, _blur, copy_detail
from artstudio.nets.harmonic_fill import harmonic_fill


def woven(size: int = 192) -> torch.Tensor:
    """A fine periodic weave over a broad colour gradient: texture a smooth fill cannot predict."""
    y, x = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    weave = 0.15 * torch.sin(2 * math.pi * x / 6) * torch.sin(2 * math.pi * y / 6)
    ramp = torch.stack([0.3 + 0.3 * x / size, 0.5 + 0.0 * y, 0.6 - 0.3 * y / size])
    return (ramp + weave).clamp(0, 1)[None]


def hole_of(size: int = 192, box: tuple[int, int, int, int] = (70, 60, 130, 120)) -> torch.Tensor:
    hole = torch.zeros(1, 1, size, size)
    hole[..., box[1]:box[3], box[0]:box[2]] = 1
    return hole


def detail_energy(x: torch.Tensor, hole: torch.Tensor) -> float:
    return float(((x - _blur(x, SIGMA)).pow(2) * hole).sum() / hole.sum())


def test_smooth_fill_gets_the_pictures_texture_back():
    image, hole = woven(), hole_of()
    smooth = harmonic_fill(image * (1 - hole), hole)
    out = copy_detail(image, smooth, hole)
    inner = -torch.nn.functional.max_pool2d(-hole, 9, 1, 4)      # the hole less a band at its edge
    assert detail_energy(out, inner) > 0.3 * detail_energy(image, inner) > 100 * detail_energy(smooth, inner)
    broad = (_blur(out, 4.0) - _blur(image, 4.0)).abs()[inner.expand_as(out) > 0].mean()
    assert broad < 0.03      # the texture rides on the fill's colours, it does not replace them


def test_pixels_outside_the_hole_are_untouched():
    image, hole = woven(), hole_of()
    smooth = harmonic_fill(image * (1 - hole), hole)
    out = copy_detail(image, smooth, hole)
    assert torch.equal(out[(hole == 0).expand_as(out)], smooth[(hole == 0).expand_as(out)])


def test_flat_picture_gains_nothing_and_results_repeat():
    image, hole = torch.full((1, 3, 128, 128), 0.4), hole_of(128, (40, 40, 90, 90))
    assert torch.allclose(copy_detail(image, image.clone(), hole), image, atol=1e-6)
    textured, smooth = woven(128), harmonic_fill(woven(128) * (1 - hole), hole)
    assert torch.equal(copy_detail(textured, smooth, hole), copy_detail(textured, smooth, hole))


def test_empty_hole_returns_the_fill():
    image = woven(64)
    assert torch.equal(copy_detail(image, image, torch.zeros(1, 1, 64, 64)), image)
