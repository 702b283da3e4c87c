"""Measure style transfer against a Gatys baseline in MobileNetV2 space (a network no loss uses).

For held-out content photos (the validation split) and preset styles, it runs the fast mode, the
detailed mode (fast + DETAILED_STEPS optimisation steps) and a Gatys baseline (150 per-pixel steps
from the content), then scores each result: style distance (Gram matrices of early MobileNetV2 blocks,
against the style) and content distance (mid-level features, against the content); lower is better.

    python training/eval_stylizer.py [--contents 4] [--size 256]

Writes docs/style_grid.png (fast) and docs/style_grid_detailed.png, and the averages into the manifest
entry of style_decoder.pt.
"""
import argparse
import sys
import time
from pathlib import Path

import torch
from PIL import Image
from torchvision.utils import save_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artstudio import presets  # noqa: E402
from artstudio.models import registry  # noqa: E402
from artstudio.models.stylizer import BASELINE, DETAILED_STEPS, StyleSource, resize_long_side  # noqa: E402
from artstudio.models.tensors import to_tensor  # noqa: E402
from artstudio.weights import update_metrics  # noqa: E402
from training.data import DATA_DIR, list_images, split  # noqa: E402
from training.mobilenet_eval import MobileNetFeatures, content_distance, style_distance  # noqa: E402

STYLES = ["van-gogh_starry-night-1889.jpg", "munch_the-scream-1893.jpg", "sakai-hoitsu_flowers-edo-period.jpg",
          "turner_shipwreck-of-the-minotaur-1810.jpg"]
DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contents", type=int, default=4)
    parser.add_argument("--styles", type=int, default=len(STYLES))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--baseline-steps", type=int, default=150)
    parser.add_argument("--detailed-steps", type=int, default=DETAILED_STEPS)
    args = parser.parse_args()
    torch.manual_seed(0)
    stylizer = registry.get("stylizer")
    net = MobileNetFeatures()
    contents = [Image.open(p).convert("RGB") for p in split(list_images(DATA_DIR / "photos"))[1][:: 7][: args.contents]]
    scores = {m: {"style": [], "content": [], "seconds": []} for m in ("fast", "detailed", "gatys_baseline")}
    grid, grid_detailed = [], []
    for style_file in STYLES[: args.styles]:
        style_image = Image.open(presets.FOLDER / style_file).convert("RGB")
        styles = [StyleSource(style_image)]
        style_t = to_tensor(resize_long_side(style_image, args.size))
        grid.append(to_tensor(style_image.resize((args.size, args.size))))
        grid_detailed.append(grid[-1])
        for content in contents:
            content_small = resize_long_side(content, args.size)
            content_t = to_tensor(content_small)
            start = time.perf_counter()
            fast = stylizer.stylize(content, styles, size=args.size)
            t_fast = time.perf_counter() - start
            start = time.perf_counter()
            detailed = stylizer.refine(content, styles, fast, size=args.size, steps=args.detailed_steps)
            t_detailed = time.perf_counter() - start + t_fast
            start = time.perf_counter()
            baseline = stylizer.refine(content, styles, content_small, size=args.size, steps=args.baseline_steps,
                                       settings=BASELINE)
            t_base = time.perf_counter() - start
            for method, image, seconds in (("fast", fast, t_fast), ("detailed", detailed, t_detailed),
                                           ("gatys_baseline", baseline, t_base)):
                out = to_tensor(image)
                scores[method]["style"].append(style_distance(net, out, style_t))
                scores[method]["content"].append(content_distance(net, out, content_t))
                scores[method]["seconds"].append(seconds)
            grid.append(to_tensor(fast.resize((args.size, args.size))))
            grid_detailed.append(to_tensor(detailed.resize((args.size, args.size))))
            print(f"{style_file} done", flush=True)
    summary = {m: {k: round(sum(v) / len(v), 4) for k, v in s.items()} for m, s in scores.items()}
    summary["pairs"] = len(contents) * args.styles
    summary["size_px"] = args.size
    for method, figures in summary.items():
        print(method, figures)
    DOCS.mkdir(exist_ok=True)
    for name, images in (("style_grid.png", grid), ("style_grid_detailed.png", grid_detailed)):
        save_image(torch.cat(images), DOCS / name, nrow=len(contents) + 1, padding=2)
    update_metrics("style_decoder.pt", {"eval_mobilenetv2": summary})


if __name__ == "__main__":
    main()
