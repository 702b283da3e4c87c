"""Command line: `python -m artstudio serve|classify|generate|stylize|inpaint|restore ...`.

With --json every output item prints one JSON object on its own stdout line; logs go to stderr.
Bad input gives a one-line error on stderr, the rest of the batch still runs, and the exit code is 1.
A model that is not installed gives its one-line message and exit code 2.
"""
import argparse
import json
import re
import sys
import time
from pathlib import Path

from artstudio.server import add_serve_arguments, serve


def safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:80] or "image"


class Run:
    """Counts failures and prints results the way the contract says."""

    def __init__(self, as_json: bool) -> None:
        self.as_json, self.failures = as_json, 0

    def error(self, message: str) -> None:
        self.failures += 1
        print(f"error: {message}", file=sys.stderr, flush=True)

    def emit(self, record: dict, human: str) -> None:
        print(json.dumps(record) if self.as_json else human, flush=True)

    def exit_code(self) -> int:
        return 1 if self.failures else 0


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, round((time.perf_counter() - start) * 1000, 1)


def load_model(name: str):
    from artstudio.models import registry
    from artstudio.weights import WeightsError
    try:
        return registry.get(name)
    except WeightsError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2)


def cmd_classify(args: argparse.Namespace, run: Run) -> None:
    from artstudio.imageio import ImageError, open_image
    classifier = load_model("classifier")
    label_set = None
    if args.labels:
        from artstudio.models.classifier import EMBEDDING_DIM
        from artstudio.models.custom_labels import LabelSetError, LabelStore
        try:
            label_set = LabelStore().load(args.labels, EMBEDDING_DIM)
        except LabelSetError as err:
            raise SystemExit(f"error: {err}")
    for path in args.images:
        try:
            image = open_image(path).image
        except ImageError as err:
            run.error(str(err))
            continue
        if label_set is None:
            top, ms = timed(classifier.top, image, args.top)
        else:
            top, ms = timed(classifier.top_custom, label_set, image, args.top)
        run.emit({"path": str(path), "top": [{"label": label, "prob": round(p, 6)} for label, p in top], "ms": ms},
                 f"{path}: " + ", ".join(f"{label} {p:.1%}" for label, p in top))


def parse_directions(items: list[str]) -> dict[str, float]:
    sliders = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        try:
            sliders[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise SystemExit(f"error: --direction {item!r} must look like NAME=VALUE, e.g. brightness=1.5")
    return sliders


def cmd_generate(args: argparse.Namespace, run: Run) -> None:
    from artstudio.recipe import make_recipe, save_png
    sliders = parse_directions(args.direction)
    generator = load_model("generator")
    unknown = set(sliders) - set(generator.direction_names)
    if unknown:
        raise SystemExit(f"error: unknown direction(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(generator.direction_names)}")
    for seed in range(args.seed, args.seed + args.count):
        image, ms = timed(generator.sample, seed, args.truncation, sliders)
        params = {"seed": seed, "truncation": args.truncation, "sliders": sliders,
                  "w": generator.latent(seed, args.truncation).tolist()}
        out = save_png(image, args.out / f"seed{seed}.png", make_recipe("generate", generator.name, generator.sha256, params))
        run.emit({"path": str(out), "seed": seed, "ms": ms}, f"seed {seed} -> {out} ({ms:.0f} ms)")


def resolve_style(value: str):
    from PIL import Image

    from artstudio import presets
    from artstudio.imageio import open_image
    if Path(value).exists():
        return open_image(value).image
    matches = [f for f in presets.PRESETS if f.startswith(value) or Path(f).stem == value]
    if len(matches) != 1:
        names = ", ".join(Path(f).stem for f in presets.PRESETS)
        raise SystemExit(f"error: --style {value!r} is neither an image file nor one preset of: {names}")
    return Image.open(presets.FOLDER / matches[0]).convert("RGB")


def cmd_stylize(args: argparse.Namespace, run: Run) -> None:
    from artstudio.imageio import ImageError, open_image
    from artstudio.models.stylizer import DETAILED_STEPS, StyleSource
    from artstudio.recipe import make_recipe, save_png
    steps = args.steps or DETAILED_STEPS
    style = resolve_style(args.style)
    stylizer = load_model("stylizer")
    styles = [StyleSource(style)]
    for path in args.contents:
        try:
            content = open_image(path).image
            result, ms = timed(stylizer.stylize, content, styles, args.strength, args.size, args.preserve_color)
            if args.mode == "detailed":
                refined, more = timed(stylizer.refine, content, styles, result, args.strength, args.size,
                                      steps, args.preserve_color)
                result, ms = refined, ms + more
        except (ImageError, ValueError) as err:
            run.error(str(err))
            continue
        params = {"style": args.style, "strength": args.strength, "size": args.size, "mode": args.mode,
                  "preserve_color": args.preserve_color}
        out = save_png(result, args.out / f"{safe_stem(Path(path))}_stylized.png",
                       make_recipe("stylize", f"{stylizer.name} ({args.mode})", stylizer.sha256, params))
        run.emit({"path": str(out), "content": str(path), "ms": ms}, f"{path} -> {out} ({ms:.0f} ms)")


def cmd_inpaint(args: argparse.Namespace, run: Run) -> None:
    from artstudio.imageio import ImageError, flatten_alpha, open_image
    from artstudio.models.inpainter import MaskError, binary_mask, classical_fill
    from artstudio.recipe import make_recipe, save_png
    if args.method == "network":
        inpainter = load_model("inpainter")
        fill, name, sha = inpainter.fill, inpainter.name, inpainter.sha256
    else:
        fill, name, sha = classical_fill, "harmonic-fill", ""
    for path in args.images:
        path = Path(path)
        mask_path = args.masks / f"{path.stem}.png"
        try:
            image = flatten_alpha(open_image(path, keep_alpha=True).image)
            if not mask_path.exists():
                raise ImageError(f"{path.name}: no mask found at {mask_path}")
            mask, notes = binary_mask(open_image(mask_path, keep_alpha=True, max_pixels=1 << 40).image, image.size)
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
            result, ms = timed(fill, image, mask)
        except (ImageError, MaskError) as err:
            run.error(str(err))
            continue
        out = save_png(result, args.out / f"{safe_stem(path)}_filled.png",
                       make_recipe("inpaint", name, sha, {"method": args.method}))
        run.emit({"path": str(out), "ms": ms}, f"{path} -> {out} ({ms:.0f} ms)")


def cmd_restore(args: argparse.Namespace, run: Run) -> None:
    from artstudio.imageio import ImageError, open_image
    from artstudio.models.restorer import RestoreJob
    from artstudio.recipe import make_recipe, save_png
    from artstudio.weights import WeightsError
    job = (RestoreJob(clean=args.strength) if args.task == "denoise"
           else RestoreJob(scale=args.scale, upscaler=args.model))
    restorer = load_model("restorer")
    for path in args.images:
        path = Path(path)
        try:
            image = open_image(path).image
            job.validate(image.size)
            result, ms = timed(restorer.restore, image, job)
        except WeightsError as err:
            print(f"error: {err}", file=sys.stderr)
            raise SystemExit(2)
        except (ImageError, ValueError) as err:
            run.error(str(err) if str(err).startswith(path.name) else f"{path.name}: {err}")
            continue
        params = {"task": args.task, "strength": job.clean, "scale": job.scale, "upscaler": args.model,
                  "input_size": list(image.size)}
        out = save_png(result, args.out / f"{safe_stem(path)}.png",
                       make_recipe("restore", restorer.name, restorer.weights_for(job), params))
        run.emit({"path": str(out), "input": str(path), "ms": ms}, f"{path} -> {out} ({ms:.0f} ms)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m artstudio", description="ArtStudio from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="start the web app (same as app.py)"))

    p = sub.add_parser("classify", help="art movements of paintings")
    p.add_argument("images", nargs="+")
    p.add_argument("--top", type=int, default=3)
    p.add_argument("--labels", help="a saved custom label set instead of the 11 movements")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("generate", help="new paintings from the GAN")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--truncation", type=float, default=0.7)
    p.add_argument("--direction", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("stylize", help="transfer a style onto pictures")
    p.add_argument("contents", nargs="+")
    p.add_argument("--style", required=True, help="an image file or a preset name (e.g. van-gogh)")
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--size", type=int, default=512, help="output long side in px (64-1024)")
    p.add_argument("--mode", choices=["fast", "detailed"], default="fast")
    p.add_argument("--steps", type=int, help="optimisation steps in detailed mode (default 20)")
    p.add_argument("--preserve-color", action="store_true")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("inpaint", help="fill masked regions")
    p.add_argument("images", nargs="+")
    p.add_argument("--masks", type=Path, required=True, help="folder with a PNG mask per image (same stem)")
    p.add_argument("--method", choices=["network", "classical"], default="network",
                   help="the trained network (default: measures better) or the classical harmonic fill")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("restore", help="clean noise and JPEG blocks out of pictures, or enlarge them")
    p.add_argument("images", nargs="+")
    p.add_argument("--task", choices=["denoise", "upscale"], required=True)
    p.add_argument("--scale", type=int, choices=[2, 4], default=4, help="upscale factor")
    p.add_argument("--strength", type=float, default=1.0, help="denoise strength, 0 (none) to 1")
    p.add_argument("--model", choices=["fast", "detailed"], default="fast",
                   help="upscaler: fast (trained here) or detailed (Real-ESRGAN x4plus, about 80x slower)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        serve(args)
        return 0
    if args.command == "stylize" and not 64 <= args.size <= 1024:
        print("error: --size must be between 64 and 1024", file=sys.stderr)
        return 1
    if args.command == "restore" and not 0 <= args.strength <= 1:
        print("error: --strength must be between 0 and 1", file=sys.stderr)
        return 1
    if getattr(args, "out", None):
        args.out.mkdir(parents=True, exist_ok=True)
    run = Run(args.json)
    commands = {"classify": cmd_classify, "generate": cmd_generate, "stylize": cmd_stylize, "inpaint": cmd_inpaint,
                "restore": cmd_restore}
    commands[args.command](args, run)
    return run.exit_code()
