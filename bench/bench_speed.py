"""Speed of every installed model on this machine (run on the 2-core CPU for the model cards).

    python -m bench.bench_speed [--repeats 5]

Prints one line per measure, writes bench/speed.json and copies the figures into the manifest
metrics of each model's weights file ("speed_cpu2").
"""
import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import torch
from PIL import Image, ImageDraw

from artstudio import presets
from artstudio.models import registry
from artstudio.models.classifier import ENSEMBLE_FILE
from artstudio.specs import RestoreJob
from artstudio.models.stylizer import DETAILED_STEPS, StyleSource
from artstudio.weights import update_metrics

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "alfred-sisley_by-the-loing-1885.jpg"


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def load_seconds(name: str) -> float:
    registry.clear()
    start = time.perf_counter()
    registry.get(name)
    return round(time.perf_counter() - start, 2)


def stroke_mask(size: int, fraction: float) -> Image.Image:
    """Thick strokes until about `fraction` of the image is masked."""
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    y = size // 10
    while sum(mask.histogram()[128:]) / size ** 2 < fraction:
        draw.line([(size // 10, y), (size * 9 // 10, y + size // 8)], fill=255, width=size // 25)
        y += size // 12
    return mask


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=list(registry.MODELS), help="measure just these models")
    args = parser.parse_args()

    def wanted(name: str) -> bool:
        return (not args.only or name in args.only) and registry.availability(name) is None
    registry.configure_threads()
    painting = Image.open(FIXTURE).convert("RGB")
    results: dict[str, dict] = {}
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, " \
              f"{torch.get_num_threads()} threads"

    if wanted("restorer"):      # first, so the peak memory below is the restorer's
        r = registry.get("restorer")
        small, large = painting.resize((256, 256)), painting.resize((1024, 1024))
        results["restore_upscale_x4.pt"] = {
            "load_s": load_seconds("restorer"),
            "x4_to_1024px_ms": median_ms(lambda: r.upscale(small, 4), args.repeats),
            "x2_to_1024px_ms": median_ms(lambda: r.upscale(painting.resize((512, 512)), 2), args.repeats),
            # what Generate shows and downloads (tabs/generate.py DISPLAY_JOB: the plain x4)
            "generate_128_to_512px_ms": median_ms(lambda: r.restore(painting.resize((128, 128)), RestoreJob(scale=4)),
                                                  args.repeats)}
        results["restore_blind.pt"] = {
            "clean_1024px_ms": median_ms(lambda: r.denoise(large), args.repeats),
            "auto_x2_to_1024px_ms": median_ms(lambda: r.restore(painting.resize((512, 512)), RestoreJob(1.0, 2)),
                                              args.repeats),
            "auto_x4_to_1024px_ms": median_ms(lambda: r.restore(small, RestoreJob(1.0, 4)), args.repeats)}
        start = time.perf_counter()
        r.denoise(painting.resize((4000, 3000)))
        results["restore_blind.pt"]["clean_4000x3000_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        r.upscale(large, 4)
        results["restore_upscale_x4.pt"]["x4_1024px_input_s"] = round(time.perf_counter() - start, 1)
        results["restore_blind.pt"]["peak_rss_mb_after_4000x3000_clean_and_1024px_x4"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if r.upscaler_available("sharp") is None:
            results["restore_upscale_x4_sharp.pt"] = {
                "x4_to_1024px_ms": median_ms(lambda: r.upscale(small, 4, upscaler="sharp"), args.repeats)}
        if r.upscaler_available("detailed") is None:
            start = time.perf_counter()
            r.upscale(painting.resize((128, 128)), 4, upscaler="detailed")
            results["realesrgan_x4plus.pt"] = {"x4_128px_painting_s": round(time.perf_counter() - start, 1)}
    if wanted("classifier"):
        c = registry.get("classifier")
        results[ENSEMBLE_FILE] = {
            "load_s": load_seconds("classifier"),
            "classify_224px_ms": median_ms(lambda: c.top(painting, 5), args.repeats),
            "movement_artist_year_224px_ms": median_ms(lambda: c.analyse(painting, 5), args.repeats),
            "heatmap_224px_ms": median_ms(lambda: c.heatmap(painting, 0), args.repeats)}
    if wanted("generator"):
        g = registry.get("generator")
        results["painting_gan.pt"] = {
            "load_s": load_seconds("generator"),
            "one_sample_ms": median_ms(lambda: g.sample(1), args.repeats),
            "batch_16_ms": median_ms(lambda: g.render(torch.stack([g.latent(s) for s in range(16)])), args.repeats)}
    if wanted("stylizer"):
        s = registry.get("stylizer")
        style = [StyleSource(Image.open(presets.FOLDER / "van-gogh_starry-night-1889.jpg").convert("RGB"))]
        content = painting.resize((512, 384))
        fast = s.stylize(content, style, size=512)
        start = time.perf_counter()
        s.refine(content, style, fast, size=512, steps=DETAILED_STEPS)
        style_image = style[0].image
        new_styles = iter(range(1, 1000))   # a style never seen before: its features are not cached yet
        results["style_decoder.pt"] = {
            "load_s": load_seconds("stylizer"),
            "fast_512px_ms": median_ms(lambda: s.stylize(content, style, size=512), args.repeats),
            "fast_512px_new_style_ms": median_ms(
                lambda: s.stylize(content, [StyleSource(style_image.crop((next(new_styles), 0, *style_image.size)))],
                                  size=512), args.repeats),
            "fast_1024px_ms": median_ms(lambda: s.stylize(content, style, size=1024), max(1, args.repeats // 2)),
            f"detailed_512px_{DETAILED_STEPS}_steps_s": round(time.perf_counter() - start, 1)}
    if wanted("inpainter"):
        n = registry.get("inpainter")
        results["inpaint_unet.pt"] = {"load_s": load_seconds("inpainter")}
        for size in (512, 1024):
            image, mask = painting.resize((size, size)), stroke_mask(size, 0.15)
            results["inpaint_unet.pt"][f"fill_{size}px_15pct_ms"] = median_ms(lambda: n.fill(image, mask), args.repeats)

    for file, figures in results.items():
        for key, value in figures.items():
            print(f"{file:28s} {key:32s} {value}")
        update_metrics(file, {"speed_cpu2": dict(figures, machine=machine)})
    out = Path(__file__).resolve().parent / "speed.json"
    earlier = json.loads(out.read_text())["results"] if out.exists() and args.only else {}
    out.write_text(json.dumps({"machine": machine, "results": {**earlier, **results}}, indent=2) + "\n")


if __name__ == "__main__":
    main()
