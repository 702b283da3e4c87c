"""Measure inpainting on held-out images against OpenCV's Telea and Navier-Stokes methods.

Validation-split photos and Impressionist paintings (256 px centre crops) get thin, thick and box
masks (fixed seed). For each method and mask kind: L1 error inside the hole, MobileNetV2 feature
distance (perceptual) and Frechet distance of MobileNetV2 features against the originals; lower is
better for all. With --native, validation photos are used as users use them, at their own size (481
to 768 px), the masks drawn at that size. OpenCV is needed for this script only:
`pip install opencv-python-headless`.

    python -m training.eval_inpainter [--images 60] [--native]

Writes docs/inpaint_grid.png (docs/inpaint_grid_native.png with --native; for thick strokes, then
boxes: masked input, network, harmonic, Telea, Navier-Stokes; one row each) and the figures into the
manifest entry of inpaint_unet.pt.
"""
import argparse
import random
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torchvision.utils import save_image

from artstudio.masks import KINDS, random_mask
from artstudio.models import registry
from artstudio.models.inpainter import classical_fill
from artstudio.models.tensors import to_tensor
from artstudio.weights import update_metrics
from training.data import DATA_DIR, list_images, split
from training.mobilenet_eval import MobileNetFeatures, content_distance, frechet_distance

SIZE = 256
DOCS = Path(__file__).resolve().parent.parent / "docs"


def centre_crop(path: Path) -> Image.Image:
    img = Image.open(path).convert("RGB")
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    return img.crop((left, top, left + side, top + side)).resize((SIZE, SIZE), Image.BICUBIC)


def opencv_method(flag_name: str):
    import cv2
    flag = getattr(cv2, flag_name)

    def fill(image: Image.Image, mask: Image.Image) -> Image.Image:
        out = cv2.inpaint(np.asarray(image)[:, :, ::-1].copy(), np.asarray(mask), 5, flag)
        return Image.fromarray(out[:, :, ::-1].copy())
    return fill


def native_mask(size: tuple[int, int], kind: str, rng: random.Random) -> Image.Image:
    """A mask drawn on a square at the picture's long side, fitted to the picture (so holes always land
    on it; strokes narrow a little across the short side)."""
    square = (random_mask(max(size), kind, rng)[0].numpy() * 255).astype("uint8")
    return Image.fromarray(square).resize(size, Image.NEAREST)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--native", action="store_true", help="validation photos at their own size")
    args = parser.parse_args()
    rng = random.Random(0)
    if args.native:
        paths = split(list_images(DATA_DIR / "photos"))[1][:args.images]
        images = [Image.open(p).convert("RGB") for p in paths]
    else:
        half = args.images // 2
        paths = (split(list_images(DATA_DIR / "photos"))[1][:half]
                 + split(list_images(DATA_DIR / "impressionism-128"))[1][:half])
        images = [centre_crop(p) for p in paths]
    net = MobileNetFeatures()
    methods = {"network": registry.get("inpainter").fill, "harmonic": classical_fill,
               "opencv_telea": opencv_method("INPAINT_TELEA"), "opencv_ns": opencv_method("INPAINT_NS")}
    results: dict[str, dict[str, dict[str, float]]] = {m: {} for m in methods}
    originals = [to_tensor(img) for img in images]
    original_feats = torch.cat([net.pooled(x) for x in originals])
    grid = []
    for kind in KINDS:
        masks = [native_mask(img.size, kind, rng) if args.native
                 else Image.fromarray((random_mask(SIZE, kind, rng)[0].numpy() * 255).astype("uint8")) for img in images]
        if kind != "thin":
            grid += [thumbnail(x * (1 - to_tensor(m))) for x, m in zip(originals[:4], masks[:4])]
        for name, fill in methods.items():
            start = time.perf_counter()
            outs = [to_tensor(fill(img, m)) for img, m in zip(images, masks)]
            seconds = (time.perf_counter() - start) / len(images)
            holes = [to_tensor(m) > 0.5 for m in masks]
            l1 = sum(((o - x).abs() * h).sum() for o, x, h in zip(outs, originals, holes)) / (sum(h.sum() for h in holes) * 3)
            perceptual = sum(content_distance(net, o, x) for o, x in zip(outs, originals)) / len(images)
            fd = frechet_distance(torch.cat([net.pooled(o) for o in outs]), original_feats)
            results[name][kind] = {"hole_l1": round(float(l1), 4), "perceptual": round(perceptual, 4), "fd": round(fd, 2),
                                   "seconds_per_image": round(seconds, 3)}
            print(kind, name, results[name][kind], flush=True)
            if kind != "thin":
                grid += [thumbnail(o) for o in outs[:4]]
    DOCS.mkdir(exist_ok=True)
    save_image(torch.cat(grid), DOCS / ("inpaint_grid_native.png" if args.native else "inpaint_grid.png"), nrow=4,
               padding=2)
    if args.native:
        update_metrics("inpaint_unet.pt", {"eval_native_vs_opencv": results, "eval_native_images": len(images)})
    else:
        update_metrics("inpaint_unet.pt", {"eval_vs_opencv": results, "eval_images": len(images), "eval_size_px": SIZE})


def thumbnail(x: torch.Tensor) -> torch.Tensor:
    """A picture tensor as a SIZE x SIZE centre crop at half its size (native pictures differ in size)."""
    if x.shape[-1] == SIZE and x.shape[-2] == SIZE:
        return x
    half = torch.nn.functional.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True)
    h, w = half.shape[-2:]
    top, left = max(0, (h - SIZE) // 2), max(0, (w - SIZE) // 2)
    crop = half[..., top:top + SIZE, left:left + SIZE]
    return torch.nn.functional.pad(crop, (0, SIZE - crop.shape[-1], 0, SIZE - crop.shape[-2]))


if __name__ == "__main__":
    main()
