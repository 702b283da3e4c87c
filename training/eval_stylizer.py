"""Measure style transfer against a Gatys baseline in MobileNetV2 space (a network no loss uses).

For held-out content photos (the validation split) and preset styles, it runs the fast mode, the
detailed mode (fast + DETAILED_STEPS optimisation steps) and a Gatys baseline (150 per-pixel steps
from the content), then scores each result: style distance (Gram matrices of early MobileNetV2 blocks,
against the style) and content distance (mid-level features, against the content); lower is better.

    python -m training.eval_stylizer [--contents 4] [--size 256]

Writes docs/style_grid.png (fast) and docs/style_grid_detailed.png, and the averages into the manifest
entry of style_decoder.pt.

With --texture it measures instead what the brush marks look like, apart from colour, at 512 px over
every preset style: the texture distance of training/texture_distance.py between the fast result and the
style painting, beside the photo unchanged, a per-channel colour transfer, and the painting against
itself (another sample of its own patches), with the content distance and seconds per picture, and
draws docs/style_grid.png from these fast results:

    python -m training.eval_stylizer --texture [--contents 5] [--size 512]
"""
import argparse
import time
from pathlib import Path

import torch
from PIL import Image
from torchvision.utils import save_image

from artstudio import presets
from artstudio.models import registry
from artstudio.models.stylizer import (BASELINE, DETAILED_STEPS, FEATURE_SHARE, StyleSource,
                                       resize_long_side)
from artstudio.nets.texture_transport import BANDS
from artstudio.models.tensors import to_tensor
from artstudio.weights import update_metrics
from training.data import DATA_DIR, list_images, split
from training.mobilenet_eval import MobileNetFeatures, content_distance, style_distance
from training.texture_distance import texture_distance

STYLES = ["van-gogh_starry-night-1889.jpg", "munch_the-scream-1893.jpg", "sakai-hoitsu_flowers-edo-period.jpg",
          "turner_shipwreck-of-the-minotaur-1810.jpg"]
DOCS = Path(__file__).resolve().parent.parent / "docs"
GRID_SQUARE = 160


def colour_transfer(image: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
    """Each channel given the style's mean and spread (Reinhard et al. 2001): palette, no texture."""
    def moments(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x.mean((2, 3), keepdim=True), x.std((2, 3), keepdim=True).clamp_min(1e-6)
    (mean, std), (style_mean, style_std) = moments(image), moments(style)
    return ((image - mean) / std * style_std + style_mean).clamp(0, 1)


def texture_scores(stylizer, net: MobileNetFeatures, contents: list[Image.Image], size: int,
                   grid: list[torch.Tensor] | None = None) -> dict:
    """Texture and content distance of the fast mode and of the reference rows, averaged over pairs;
    each style and its fast results are appended to `grid` as squares when one is given."""
    rows: dict[str, dict[str, list[float]]] = {}
    for style_file in sorted(p.name for p in presets.FOLDER.glob("*.jpg")):
        style_image = Image.open(presets.FOLDER / style_file).convert("RGB")
        style_t = to_tensor(resize_long_side(style_image, size))
        if grid is not None:
            grid.append(to_tensor(style_image.resize((GRID_SQUARE, GRID_SQUARE))))
        for content in contents:
            content_t = to_tensor(resize_long_side(content, size))
            start = time.perf_counter()
            fast_image = stylizer.stylize(content, [StyleSource(style_image)], size=size)
            seconds = time.perf_counter() - start
            fast = to_tensor(fast_image)
            if grid is not None:
                grid.append(to_tensor(fast_image.resize((GRID_SQUARE, GRID_SQUARE))))
            for method, image in (("fast", fast), ("photo_unchanged", content_t),
                                  ("colour_transfer", colour_transfer(content_t, style_t))):
                row = rows.setdefault(method, {"texture": [], "content": []})
                row["texture"].append(texture_distance(image, style_t))
                row["content"].append(content_distance(net, image, content_t))
            rows["fast"].setdefault("seconds", []).append(seconds)
        rows.setdefault("painting_itself", {"texture": []})["texture"].append(texture_distance(style_t, style_t, seed=1))
        print(f"{style_file}: fast texture {sum(rows['fast']['texture'][-len(contents):]) / len(contents):.1f}", flush=True)
    summary = {m: {k: round(sum(v) / len(v), 4) for k, v in row.items()} for m, row in rows.items()}
    summary["pairs"], summary["size_px"] = len(rows["fast"]["texture"]), size
    summary["feature_share"], summary["bands"] = FEATURE_SHARE, BANDS
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contents", type=int, default=4)
    parser.add_argument("--styles", type=int, default=len(STYLES))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--baseline-steps", type=int, default=150)
    parser.add_argument("--detailed-steps", type=int, default=DETAILED_STEPS)
    parser.add_argument("--texture", action="store_true", help="measure brush texture apart from colour instead")
    args = parser.parse_args()
    torch.manual_seed(0)
    stylizer = registry.get("stylizer")
    net = MobileNetFeatures()
    contents = [Image.open(p).convert("RGB") for p in split(list_images(DATA_DIR / "photos"))[1][:: 7][: args.contents]]
    if args.texture:
        grid: list[torch.Tensor] = []
        summary = texture_scores(stylizer, net, contents, args.size, grid)
        print(summary)
        save_image(torch.cat(grid), DOCS / "style_grid.png", nrow=len(contents) + 1, padding=2)
        update_metrics("style_decoder.pt", {"eval_texture": summary})
        return
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
