"""Measure inpainting on held-out images against OpenCV's Telea and Navier-Stokes methods.

Validation-split photos and Impressionist paintings (256 px centre crops) get thin, thick and box
masks (fixed seed). For each method and mask kind: L1 error inside the hole, MobileNetV2 feature
distance (perceptual) and Frechet distance of MobileNetV2 features against the originals; lower is
better for all. OpenCV is needed for this script only: `pip install opencv-python-headless`.

    python training/eval_inpainter.py [--images 60]

Writes docs/inpaint_grid.png (for thick strokes, then boxes: masked input, network, harmonic,
Telea, Navier-Stokes; one row each) and the figures into the manifest entry of inpaint_unet.pt.
"""
import argparse
import random
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torchvision.utils import save_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artstudio.masks import KINDS, random_mask  # noqa: E402
from artstudio.models import registry  # noqa: E402
from artstudio.models.inpainter import classical_fill  # noqa: E402
from artstudio.models.tensors import to_tensor  # noqa: E402
from artstudio.weights import update_metrics  # noqa: E402
from training.data import DATA_DIR, list_images, split  # noqa: E402
from training.mobilenet_eval import MobileNetFeatures, content_distance, frechet_distance  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(0)
    half = args.images // 2
    paths = split(list_images(DATA_DIR / "photos"))[1][:half] + split(list_images(DATA_DIR / "impressionism-128"))[1][:half]
    images = [centre_crop(p) for p in paths]
    net = MobileNetFeatures()
    methods = {"network": registry.get("inpainter").fill, "harmonic": classical_fill,
               "opencv_telea": opencv_method("INPAINT_TELEA"), "opencv_ns": opencv_method("INPAINT_NS")}
    results: dict[str, dict[str, dict[str, float]]] = {m: {} for m in methods}
    originals = torch.cat([to_tensor(img) for img in images])
    original_feats = net.pooled(originals)
    grid = []
    for kind in KINDS:
        masks = [Image.fromarray((random_mask(SIZE, kind, rng)[0].numpy() * 255).astype("uint8")) for _ in images]
        if kind != "thin":
            grid.append(originals[:4] * (1 - torch.cat([to_tensor(m) for m in masks[:4]])))
        for name, fill in methods.items():
            outs = torch.cat([to_tensor(fill(img, m)) for img, m in zip(images, masks)])
            holes = torch.cat([to_tensor(m) for m in masks]) > 0.5
            l1 = ((outs - originals).abs() * holes).sum() / (holes.sum() * 3)
            perceptual = sum(content_distance(net, outs[i:i + 1], originals[i:i + 1]) for i in range(len(images))) / len(images)
            fd = frechet_distance(net.pooled(outs), original_feats)
            results[name][kind] = {"hole_l1": round(float(l1), 4), "perceptual": round(perceptual, 4), "fd": round(fd, 2)}
            print(kind, name, results[name][kind], flush=True)
            if kind != "thin":
                grid.append(outs[:4])
    DOCS.mkdir(exist_ok=True)
    save_image(torch.cat(grid), DOCS / "inpaint_grid.png", nrow=4, padding=2)
    update_metrics("inpaint_unet.pt", {"eval_vs_opencv": results, "eval_images": len(images), "eval_size_px": SIZE})


if __name__ == "__main__":
    main()
