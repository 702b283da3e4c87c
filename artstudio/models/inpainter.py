"""Inpainting: the trained U-Net (default) or the classical harmonic fill, at any image size.

The network works on a crop around the mask with a margin, scaled to its working size, and only the
masked pixels are replaced: everything outside the mask is returned bit for bit.
"""
import torch
import torch.nn.functional as F
from PIL import Image

from artstudio.nets.harmonic_fill import harmonic_fill
from artstudio.models.tensors import to_pil, to_tensor
from artstudio.nets.inpaint_unet import InpaintUNet
from artstudio.weights import load_into, weights_sha

NETWORK_FILE = "inpaint_unet.pt"
WORK_SIZE = 384          # long side of the crop the network sees
CLASSICAL_WORK_SIZE = 768
METHODS = ("network", "classical")


class MaskError(ValueError):
    """The mask cannot be used; the message is written for the user."""


def mask_fraction(mask: Image.Image) -> float:
    """The share of the picture a binary mask fills (recorded in recipes)."""
    return round(sum(mask.histogram()[128:]) / (mask.width * mask.height), 4)


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


class Inpainter:
    name = "inpaint-unet"
    files = (NETWORK_FILE,)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.net = load_into(InpaintUNet(), NETWORK_FILE, device)
        self.sha256 = weights_sha(NETWORK_FILE)

    def fill(self, image: Image.Image, mask: Image.Image) -> Image.Image:
        """Fill the white part of `mask` (same size as `image`, mode L, 0/255) with the network."""
        return fill(image, mask, "network", self.net, self.device)


def classical_fill(image: Image.Image, mask: Image.Image) -> Image.Image:
    """Fill the white part of `mask` with the harmonic fill (no weights needed)."""
    return fill(image, mask, "classical")


@torch.no_grad()
def fill(image: Image.Image, mask: Image.Image, method: str, net: InpaintUNet | None = None,
         device: torch.device | str = "cpu") -> Image.Image:
    """Shared by both methods: crop around the mask, fill at working size, paste back the hole only."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    image = image.convert("RGB")
    if mask.getbbox() is None:
        return image.copy()
    coverage = sum(mask.histogram()[128:]) / (mask.width * mask.height)
    if coverage > 0.9:
        raise MaskError(f"The mask covers {coverage:.0%} of the image; leave at least 10% unmasked so there "
                        "is something to fill from.")
    box = crop_box(mask)
    crop, crop_mask = image.crop(box), mask.crop(box)
    work = WORK_SIZE if method == "network" else CLASSICAL_WORK_SIZE
    scale = min(1.0, work / max(crop.size))
    w, h = max(8, round(crop.width * scale)), max(8, round(crop.height * scale))
    x = to_tensor(crop.resize((w, h), Image.BICUBIC), device)
    m = (to_tensor(crop_mask.resize((w, h), Image.BILINEAR), device) > 0.01).float()
    if method == "network":
        pad_h, pad_w = (-h) % 8, (-w) % 8
        xp = F.pad(x, (0, pad_w, 0, pad_h), mode="reflect" if min(h, w) > 8 else "replicate")
        mp = F.pad(m, (0, pad_w, 0, pad_h))
        out = net(xp, mp)[:, :, :h, :w]
    else:
        out = harmonic_fill(x, m)
    filled = to_pil(out).resize(crop.size, Image.BICUBIC)
    result = image.copy()
    result.paste(filled, box[:2], crop_mask)
    return result
