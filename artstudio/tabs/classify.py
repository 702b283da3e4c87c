"""Classify tab: movement probabilities, a Grad-CAM heat map, and a batch table with CSV export."""
import csv
import zipfile
from pathlib import Path

import gradio as gr
from PIL import Image

from artstudio.classes import display_name
from artstudio.imageio import ImageError, open_image
from artstudio.outputs import output_path
from artstudio.tabs.common import load_upload, model, show_notes

MAX_BATCH = 200
BATCH_HEADERS = ["file", "top movement", "confidence", "second movement", "second confidence"]


def heat_colours(heat: Image.Image) -> Image.Image:
    """Map a grey heat map to colour: transparent blue-ish low, red-yellow high."""
    palette = []
    for v in range(256):
        t = v / 255
        palette += [int(255 * min(1, 2 * t)), int(255 * max(0, 2 * t - 1)), int(255 * max(0, 1 - 2 * t))]
    coloured = heat.convert("L").copy()
    coloured.putpalette(palette)
    return coloured.convert("RGB")


def overlay(image: Image.Image | None, heat: Image.Image | None, opacity: float) -> Image.Image | None:
    if image is None or heat is None:
        return None
    return Image.blend(image.convert("RGB"), heat_colours(heat), max(0.0, min(1.0, opacity)))


def classify_image(path: str | None, top_k: int, opacity: float):
    """Top-k movements (as a gr.Label dict), the heat-map overlay, and state for the opacity slider."""
    loaded = load_upload(path, "a painting")
    show_notes(loaded.notes)
    classifier = model("classifier")
    top = classifier.top(loaded.image, int(top_k))
    heat = classifier.heatmap(loaded.image)
    labels = {display_name(label): prob for label, prob in top}
    return labels, overlay(loaded.image, heat, opacity), (loaded.image, heat)


def update_overlay(state, opacity: float):
    return overlay(*(state or (None, None)), opacity)


def _batch_images(paths: list[str]) -> list[tuple[str, Image.Image | str]]:
    """(name, image or error message) for each upload; zips are opened and their images read."""
    items: list[tuple[str, Image.Image | str]] = []
    for path in paths:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir() or Path(info.filename).name.startswith("."):
                        continue
                    try:
                        items.append((info.filename, open_image(zf.read(info)).image))
                    except ImageError as err:
                        items.append((info.filename, str(err).replace("upload:", "").strip()))
        else:
            try:
                items.append((Path(path).name, open_image(path).image))
            except ImageError as err:
                items.append((Path(path).name, str(err)))
    return items


def classify_batch(files: list[str] | None, progress=gr.Progress()):
    """A table row per image (errors named in the row) and a CSV file of the same table."""
    if not files:
        raise gr.Error("Please upload some images or a zip of images.")
    paths = [f if isinstance(f, str) else f.name for f in files]
    items = _batch_images(paths)
    if len(items) > MAX_BATCH:
        raise gr.Error(f"{len(items)} images is more than the {MAX_BATCH} one batch takes; split them up.")
    classifier = model("classifier")
    rows = []
    for name, item in progress.tqdm(items, desc="Classifying"):
        if isinstance(item, str):
            rows.append([name, "(not classified)", 0.0, item, 0.0])
            continue
        (first, p1), (second, p2) = classifier.top(item, 2)
        rows.append([name, display_name(first), round(p1, 4), display_name(second), round(p2, 4)])
    csv_path = output_path("classify", ".csv")
    with open(csv_path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(BATCH_HEADERS)
        writer.writerows(rows)
    return rows, str(csv_path)

