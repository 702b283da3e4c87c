"""One picture through one task, exactly as the plain CLI and the Ray batch path both run it.

`prepare(command, options)` loads the model once and returns `process(path, out_dir) -> record`,
the JSON object the CLI prints with --json (the batch results table holds the same fields). A bad
input raises ItemError with a one-line message; a missing model raises WeightsError.
"""
import re
import sys
import time
from argparse import Namespace
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from artstudio.imageio import ImageError, flatten_alpha, open_image
from artstudio.models import registry
from artstudio.recipe import make_recipe, save_png

Process = Callable[[Path, Path], dict]
COMMANDS = ("classify", "stylize", "inpaint", "restore")


class ItemError(ValueError):
    """One input could not be processed; the message names it."""


def safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:80] or "image"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, round((time.perf_counter() - start) * 1000, 1)


def named(path: Path, err: Exception) -> ItemError:
    text = str(err)
    return ItemError(text if text.startswith(path.name) else f"{path.name}: {text}")


def _classify(options: Namespace) -> Process:
    classifier = registry.get("classifier")
    label_set = None
    if getattr(options, "labels", None):
        from artstudio.models.classifier import EMBEDDING_DIM
        from artstudio.models.custom_labels import LabelStore
        label_set = LabelStore().load(options.labels, EMBEDDING_DIM)

    def process(path: Path, out_dir: Path | None = None) -> dict:
        try:
            image = open_image(path).image
        except ImageError as err:
            raise named(path, err)
        found = None
        if label_set is None:
            (top, found), ms = timed(classifier.analyse, image, options.top)
        else:
            top, ms = timed(classifier.top_custom, label_set, image, options.top)
        record = {"path": str(path), "top": [{"label": label, "prob": round(p, 6)} for label, p in top], "ms": ms}
        return record | (found.record() if found else {})
    return process


def resolve_style(value: str) -> tuple[Image.Image, str]:
    """(style image, its name in recipes) for an image file, or the one preset whose file name starts with
    `value`; the names are the Style transfer tab's, so a CLI result reopens there with its style."""
    from artstudio import presets
    if Path(value).exists():
        return open_image(value).image, presets.UPLOADED
    matches = [f for f in presets.PRESETS if f.startswith(value) or Path(f).stem == value]
    if len(matches) != 1:
        names = ", ".join(Path(f).stem for f in presets.PRESETS)
        raise ValueError(f"--style {value!r} is neither an image file nor one preset of: {names}")
    return Image.open(presets.FOLDER / matches[0]).convert("RGB"), presets.caption(matches[0])


def _stylize(options: Namespace) -> Process:
    from artstudio.models.stylizer import StyleSource
    style_image, style_name = resolve_style(options.style)
    styles = [StyleSource(style_image)]
    stylizer = registry.get("stylizer")
    steps = options.steps

    def process(path: Path, out_dir: Path) -> dict:
        try:
            content = open_image(path).image
            result, ms = timed(stylizer.stylize, content, styles, options.strength, options.size, options.preserve_color)
            if options.mode == "detailed":
                result, more = timed(stylizer.refine, content, styles, result, options.strength, options.size,
                                     steps, options.preserve_color)
                ms += more
        except (ImageError, ValueError) as err:
            raise named(path, err)
        params = {"styles": [{"style": style_name, "weight": 1.0}], "strength": options.strength,
                  "size": options.size, "mode": options.mode, "preserve_color": options.preserve_color,
                  "region": False} | ({"steps": steps} if options.mode == "detailed" else {})
        out = save_png(result, out_dir / f"{safe_stem(path)}_stylized.png",
                       make_recipe("stylize", f"{stylizer.name} ({options.mode})", stylizer.sha256, params))
        return {"path": str(out), "content": str(path), "ms": ms}
    return process


def _inpaint(options: Namespace) -> Process:
    from artstudio.models.inpainter import MaskError, binary_mask, classical_fill, fill_params
    if options.method == "network":
        inpainter = registry.get("inpainter")
        fill, name, sha = inpainter.fill, inpainter.name, inpainter.sha256
    else:
        fill, name, sha = classical_fill, "harmonic-fill", ""

    def process(path: Path, out_dir: Path) -> dict:
        mask_path = Path(options.masks) / f"{path.stem}.png"
        try:
            image = flatten_alpha(open_image(path, keep_alpha=True).image)
            if not mask_path.exists():
                raise ImageError(f"{path.name}: no mask found at {mask_path}")
            mask, notes = binary_mask(open_image(mask_path, keep_alpha=True, max_pixels=1 << 40).image, image.size)
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
            result, ms = timed(fill, image, mask)
        except (ImageError, MaskError) as err:
            raise named(path, err)
        out = save_png(result, out_dir / f"{safe_stem(path)}_filled.png",
                       make_recipe("inpaint", name, sha, fill_params(options.method, mask)), mask=mask)
        return {"path": str(out), "ms": ms}
    return process


def _restore(options: Namespace) -> Process:
    from artstudio.specs import RestoreJob
    job = {"denoise": RestoreJob(clean=options.strength),
           "upscale": RestoreJob(scale=options.scale, upscaler=options.upscaler),
           "auto": RestoreJob(clean=options.strength, scale=options.scale, upscaler=options.upscaler)}[options.task]
    restorer = registry.get("restorer")

    def process(path: Path, out_dir: Path) -> dict:
        try:
            image = open_image(path).image
            job.validate(image.size)
            result, ms = timed(restorer.restore, image, job)
        except (ImageError, ValueError) as err:
            raise named(path, err)
        out = save_png(result, out_dir / f"{safe_stem(path)}.png",
                       make_recipe("restore", restorer.name, restorer.weights_for(job), job.recipe_params(image.size)))
        return {"path": str(out), "input": str(path), "ms": ms}
    return process


def prepare(command: str, options: Namespace) -> Process:
    """Load what `command` needs once; returns the per-picture function."""
    return {"classify": _classify, "stylize": _stylize, "inpaint": _inpaint, "restore": _restore}[command](options)
