"""Inpainting: the network and the classical fill keep every unmasked pixel and fill holes sensibly."""
import random

import pytest
import torch
from PIL import Image, ImageDraw

from artstudio.models import registry
from artstudio.nets.harmonic_fill import harmonic_fill
from artstudio.models.inpainter import (MAX_WORK_SIZE, MIN_WORK_SIZE, MaskError, binary_mask, classical_fill,
                                         crop_box, crops, regions, work_scale)
from artstudio.models.tensors import to_tensor
from artstudio.masks import KINDS, TRAINING_KINDS, random_mask
from artstudio.nets.inpaint_unet import FourierResidual, InpaintUNet
from conftest import check_warm_start_reexport


def box_mask(size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle(box, fill=255)
    return mask


def gradient(size=(256, 192)) -> Image.Image:
    w, h = size
    x = torch.linspace(0, 1, w)[None, :].expand(h, w)
    y = torch.linspace(0, 1, h)[:, None].expand(h, w)
    rgb = torch.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.8 - 0.5 * x]) * 255
    return Image.fromarray(rgb.round().byte().permute(1, 2, 0).numpy())


def fillers():
    yield "classical", classical_fill
    if registry.availability("inpainter") is None:
        yield "network", registry.get("inpainter").fill


def test_untrained_network_is_the_harmonic_fill(scene):
    """The U-Net learns a correction on top of the classical fill, so training starts from the baseline."""
    image = to_tensor(scene.resize((64, 48)))
    mask = to_tensor(box_mask((64, 48), (20, 10, 40, 30)))
    with torch.no_grad():
        out = InpaintUNet()(image, mask)
    assert torch.allclose(out, harmonic_fill(image * (1 - mask), mask).clamp(0, 1))


def test_fourier_blocks_start_as_identity_and_are_counted_from_weights(scene):
    """Growing the bottleneck with Fourier blocks keeps a trained network's fill until the blocks learn."""
    image = to_tensor(scene.resize((64, 48)))
    mask = to_tensor(box_mask((64, 48), (10, 8, 50, 40)))
    torch.manual_seed(0)
    plain = InpaintUNet()
    torch.nn.init.normal_(plain.out.weight, std=0.01)
    grown = InpaintUNet(fourier_blocks=2)
    assert not grown.load_state_dict(plain.state_dict(), strict=False).unexpected_keys
    assert InpaintUNet.fourier_blocks_in(plain.state_dict()) == 0
    assert InpaintUNet.fourier_blocks_in(grown.state_dict()) == 2
    with torch.no_grad():
        assert torch.allclose(plain(image, mask), grown(image, mask))
        assert not torch.allclose(plain(image, mask), plain(image, torch.zeros_like(mask)))


def test_fourier_block_sees_the_whole_picture():
    """One Fourier block already lets a pixel in one corner change the output in the opposite corner."""
    block = FourierResidual(8)
    torch.nn.init.normal_(block.merge.weight, std=0.1)
    x = torch.zeros(1, 8, 32, 32)
    poked = x.clone()
    poked[..., 0, 0] = 1.0
    with torch.no_grad():
        assert (block(poked) - block(x))[..., 31, 31].abs().max() > 1e-6


def test_large_training_masks_are_larger_than_evaluated_kinds():
    rng = random.Random(0)
    coverage = {kind: sum(random_mask(128, kind, rng).mean().item() for _ in range(40)) / 40 for kind in TRAINING_KINDS}
    assert coverage["large"] > max(coverage[kind] for kind in KINDS)
    assert "large" not in KINDS


@pytest.mark.parametrize("name,fill", list(fillers()))
def test_unmasked_pixels_unchanged(name, fill, scene):
    mask = box_mask(scene.size, (100, 60, 180, 140))
    out = fill(scene, mask)
    keep = to_tensor(mask) < 0.5
    assert torch.equal(to_tensor(out)[keep.expand(1, 3, -1, -1)], to_tensor(scene)[keep.expand(1, 3, -1, -1)])
    assert out.size == scene.size


@pytest.mark.parametrize("name,fill", list(fillers()))
def test_empty_mask_returns_input(name, fill, scene):
    assert fill(scene, Image.new("L", scene.size, 0)).tobytes() == scene.tobytes()


@pytest.mark.parametrize("name,fill", list(fillers()))
def test_full_mask_refused(name, fill, scene):
    with pytest.raises(MaskError, match="covers 100%"):
        fill(scene, Image.new("L", scene.size, 255))


@pytest.mark.parametrize("name,fill,tolerance", [(n, f, 0.02 if n == "classical" else 0.08) for n, f in fillers()])
def test_hole_in_gradient_lands_on_gradient(name, fill, tolerance):
    image = gradient()
    mask = box_mask(image.size, (90, 60, 160, 130))
    out = fill(image, mask)
    hole = to_tensor(mask) > 0.5
    error = (to_tensor(out) - to_tensor(image)).abs()[hole.expand(1, 3, -1, -1)].mean().item()
    assert error < tolerance


def test_mask_of_other_size_resized_with_note():
    mask, notes = binary_mask(Image.new("L", (50, 40), 255), (200, 160))
    assert mask.size == (200, 160) and "resized" in notes[0]


def test_rgba_mask_uses_alpha():
    painted = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(painted).rectangle((10, 10, 20, 20), fill=(255, 0, 0, 255))
    mask, _ = binary_mask(painted, (64, 64))
    assert mask.getpixel((15, 15)) == 255 and mask.getpixel((40, 40)) == 0


@pytest.mark.parametrize("name,fill", list(fillers()))
def test_large_image(name, fill):
    image = gradient((4000, 3000))
    mask = box_mask(image.size, (1500, 1000, 2100, 1500))
    out = fill(image, mask)
    assert out.size == (4000, 3000)
    assert out.crop((0, 0, 1000, 1000)).tobytes() == image.crop((0, 0, 1000, 1000)).tobytes()


@pytest.mark.training
def test_inpainter_training_warm_start_survives_its_own_export(tiny_data, tmp_path):
    check_warm_start_reexport("training.train_inpainter", "inpaint_unet.pt", tiny_data, tmp_path,
                              "--size", "64", "--batch", "2", "--fourier-blocks", "1", "--large-masks")


def test_far_apart_scratches_are_separate_crops_and_near_ones_one():
    mask = Image.new("L", (768, 512), 0)
    draw = ImageDraw.Draw(mask)
    draw.line([(10, 10), (200, 60)], fill=255, width=8)
    draw.line([(600, 400), (740, 480)], fill=255, width=8)
    draw.line([(610, 380), (700, 380)], fill=255, width=4)     # 10 px from the second scratch: same crop
    parts = regions(mask)
    assert len(parts) == 2 and len(crops(mask)) == 2
    assert sum(sum(p.histogram()[128:]) for p in parts) == sum(mask.histogram()[128:])   # every hole pixel once
    ImageDraw.Draw(mask).line([(300, 100), (520, 330)], fill=255, width=8)               # its crop meets both
    assert len(regions(mask)) == 3 and len(crops(mask)) == 1


def test_thin_scratches_are_filled_at_native_size_and_big_holes_scaled_down():
    image = Image.new("RGB", (1600, 1200))
    thin = Image.new("L", image.size, 0)
    ImageDraw.Draw(thin).line([(50, 50), (1500, 1100)], fill=255, width=10)
    box = crop_box(thin)
    assert work_scale(image.crop(box), thin.crop(box), "network") == MAX_WORK_SIZE / 1600   # capped for speed
    small_photo = Image.new("RGB", (768, 512))
    thin = Image.new("L", small_photo.size, 0)
    ImageDraw.Draw(thin).line([(20, 20), (740, 490)], fill=255, width=10)
    box = crop_box(thin)
    assert work_scale(small_photo.crop(box), thin.crop(box), "network") == 1.0
    big = box_mask(small_photo.size, (100, 60, 600, 460))
    box = crop_box(big)
    assert work_scale(small_photo.crop(box), big.crop(box), "network") == MIN_WORK_SIZE / 768   # scaled down, not below
