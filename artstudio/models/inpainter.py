"""Inpainting: the trained U-Net with the picture's own texture (default) or the classical harmonic fill.

Each separate masked region is filled on its own crop (two scratches far apart are two small crops,
not one crop of the whole picture). A crop is worked on at native resolution when its hole is thin,
so a scratch on a large photo comes back sharp, and scaled down only as far as a thick hole needs to
look like the holes the network was trained on. The network's fill is smooth, so fine texture is then
copied into it from matching places in the same crop (artstudio/nets/detail_copy.py). Only masked
pixels are replaced: everything outside the mask is returned bit for bit.
"""
import torch
import torch.nn.functional as F
from PIL import Image, ImageChops

from artstudio.models.base import StudioModel
from artstudio.nets.detail_copy import copy_detail
from artstudio.nets.harmonic_fill import harmonic_fill
from artstudio.models.tensors import to_pil, to_tensor
from artstudio.nets.inpaint_unet import InpaintUNet
from artstudio.specs import INPAINT
from artstudio.weights import load_into, weights_sha

NETWORK_FILE = "inpaint_unet.pt"
TARGET_RADIUS = 16       # px: holes thicker than this (nearest known pixel further away) are scaled down to it
MIN_WORK_SIZE = 512      # long side a crop is never scaled below: the network fills large holes better near native size
MAX_WORK_SIZE = 768      # long side a crop is never worked on above (time: a 1024 px crop takes 5 s on 2 cores)
CLASSICAL_WORK_SIZE = 768
REGION_GAP = 24          # px: masked regions closer than this share one crop
METHODS = INPAINT["method"].choices


class MaskError(ValueError):
    """The mask cannot be used; the message is written for the user."""


def mask_fraction(mask: Image.Image) -> float:
    """The share of the picture a binary mask fills (recorded in recipes)."""
    return round(sum(mask.histogram()[128:]) / (mask.width * mask.height), 4)


def fill_params(method: str, mask: Image.Image) -> dict:
    """The recipe's settings, the same from the tab, the CLI and a batch (artstudio/specs.py INPAINT)."""
    return {"method": method, "size": list(mask.size), "mask_fraction": mask_fraction(mask)}


def binary_mask(mask: Image.Image, size: tuple[int, int]) -> tuple[Image.Image, list[str]]:
    """White (>= 128) = fill. A mask of another size is resized to the image, with a note."""
    notes = []
    if mask.mode == "RGBA" and mask.getextrema()[3][0] < 255:
        mask = mask.getchannel("A")
    mask = mask.convert("L")
    if mask.size != size:
        notes.append(f"The mask was {mask.width}x{mask.height} px; resized to the image's {size[0]}x{size[1]} px.")
        mask = mask.resize(size, Image.NEAREST)
    return mask.point(lambda v: 255 if v >= 128 else 0), notes


def crop_box(mask: Image.Image, margin_fraction: float = 0.5, min_margin: int = 32) -> tuple[int, int, int, int]:
    left, top, right, bottom = mask.getbbox()
    margin = max(min_margin, int(margin_fraction * max(right - left, bottom - top)))
    return (max(0, left - margin), max(0, top - margin), min(mask.width, right + margin), min(mask.height, bottom + margin))


def _coarse(mask: Image.Image, long_side: int = 192) -> tuple[torch.Tensor, int]:
    """The mask reduced so its long side is at most `long_side`, as a bool tensor, and the factor used."""
    factor = max(1, -(-max(mask.size) // long_side))
    small = mask.reduce(factor) if factor > 1 else mask
    flat = torch.frombuffer(bytearray(small.tobytes()), dtype=torch.uint8).view(small.height, small.width)
    return flat > 0, factor


def regions(mask: Image.Image, gap: int = REGION_GAP) -> list[Image.Image]:
    """The mask split into its separate parts (parts closer than `gap` px stay together), each a full-size
    mask; found by spreading labels over a coarse copy of the mask."""
    coarse, factor = _coarse(mask)
    reach = max(1, gap // (2 * factor))      # both parts grow, so they meet when closer than gap
    grown = F.max_pool2d(coarse[None, None].float(), 2 * reach + 1, 1, reach)[0, 0] > 0
    labels = torch.where(grown, torch.arange(1, grown.numel() + 1, dtype=torch.float32).view(grown.shape), 0.0)
    while True:
        spread = F.max_pool2d(labels[None, None], 3, 1, 1)[0, 0] * grown
        if torch.equal(spread, labels):
            break
        labels = spread
    parts = []
    for value in labels[coarse].unique().tolist():
        part = (labels == value) & grown
        if factor > 1:      # one coarse pixel more covers what rounding loses when scaling back up
            part = F.max_pool2d(part[None, None].float(), 3, 1, 1)[0, 0] > 0
        part = part.to(torch.uint8).mul(255)
        region = Image.frombytes("L", (part.shape[1], part.shape[0]), part.numpy().tobytes())
        parts.append(Image.composite(mask, Image.new("L", mask.size, 0), region.resize(mask.size, Image.NEAREST)))
    return [part for part in parts if part.getbbox()]


def crops(mask: Image.Image) -> list[tuple[tuple[int, int, int, int], Image.Image]]:
    """(crop box, mask) per group of regions whose crops overlap: separate holes get separate crops, but
    no pixel is worked on twice."""
    groups = [(crop_box(region), region) for region in regions(mask)]
    while True:
        pair = next(((i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))
                     if _overlap(groups[i][0], groups[j][0])), None)
        if pair is None:
            return groups
        union = ImageChops.lighter(groups[pair[0]][1], groups.pop(pair[1])[1])
        groups[pair[0]] = (crop_box(union), union)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def hole_radius(mask: Image.Image) -> int:
    """Roughly how far the middle of the hole is from the nearest known pixel, in pixels."""
    coarse, factor = _coarse(mask, 256)
    holes, radius = coarse[None, None].float(), 0
    while holes.any() and radius < max(coarse.shape):    # a hole filling the whole crop never wears away
        holes = -F.max_pool2d(-holes, 3, 1, 1)
        radius += 1
    return radius * factor


def work_scale(crop: Image.Image, crop_mask: Image.Image, method: str) -> float:
    """The factor a crop is resized by before filling (1.0 = native resolution)."""
    long_side = max(crop.size)
    if method == "classical":
        return min(1.0, CLASSICAL_WORK_SIZE / long_side)
    scale = min(1.0, TARGET_RADIUS / max(1, hole_radius(crop_mask)))
    return min(1.0, MAX_WORK_SIZE / long_side, max(scale, MIN_WORK_SIZE / long_side))


class Inpainter(StudioModel):
    name = "inpaint-unet"
    files = (NETWORK_FILE,)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(NETWORK_FILE))
        self.net = load_into(lambda state: InpaintUNet(fourier_blocks=InpaintUNet.fourier_blocks_in(state)),
                             NETWORK_FILE, device)

    def fill(self, image: Image.Image, mask: Image.Image) -> Image.Image:
        """Fill the white part of `mask` (same size as `image`, mode L, 0/255) with the network."""
        return fill(image, mask, "network", self.net, self.device)


def classical_fill(image: Image.Image, mask: Image.Image) -> Image.Image:
    """Fill the white part of `mask` with the harmonic fill (no weights needed)."""
    return fill(image, mask, "classical")


@torch.no_grad()
def fill(image: Image.Image, mask: Image.Image, method: str, net: InpaintUNet | None = None,
         device: torch.device | str = "cpu") -> Image.Image:
    """Shared by both methods: one crop per separate hole, filled at its working size, holes pasted back."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    image = image.convert("RGB")
    if mask.getbbox() is None:
        return image.copy()
    coverage = mask_fraction(mask)
    if coverage > 0.9:
        raise MaskError(f"The mask covers {coverage:.0%} of the image; leave at least 10% unmasked so there "
                        "is something to fill from.")
    result = image.copy()
    for box, region in crops(mask):
        crop, crop_mask = image.crop(box), region.crop(box)
        result.paste(_fill_crop(crop, crop_mask, method, net, device), box[:2], crop_mask)
    return result


def _fill_crop(crop: Image.Image, crop_mask: Image.Image, method: str, net: InpaintUNet | None,
               device: torch.device | str) -> Image.Image:
    scale = work_scale(crop, crop_mask, method)
    w, h = max(8, round(crop.width * scale)), max(8, round(crop.height * scale))
    x = to_tensor(crop.resize((w, h), Image.BICUBIC) if scale < 1 else crop, device)
    m = (to_tensor(crop_mask.resize((w, h), Image.BILINEAR) if scale < 1 else crop_mask, device) > 0.01).float()
    if method == "network":
        pad_h, pad_w = (-h) % 8, (-w) % 8
        xp = F.pad(x, (0, pad_w, 0, pad_h), mode="reflect" if min(h, w) > 8 else "replicate")
        mp = F.pad(m, (0, pad_w, 0, pad_h))
        out = net(xp, mp)[:, :, :h, :w]
    else:
        out = harmonic_fill(x, m)
    if out.shape[-2:] != (crop.height, crop.width):
        out = F.interpolate(out, size=(crop.height, crop.width), mode="bicubic", align_corners=False).clamp(0, 1)
    if method == "network":     # at native size the crop and its binary mask are already tensors
        native = x.shape[-2:] == (crop.height, crop.width)
        out = copy_detail(x if native else to_tensor(crop, device), out,
                          m if native else (to_tensor(crop_mask, device) > 0.5).float())
    return to_pil(out)
