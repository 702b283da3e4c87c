"""Classify tab: movement probabilities, a Grad-CAM heat map, and a batch table with CSV export."""
import csv
import zipfile
from pathlib import Path

import gradio as gr
from PIL import Image

from artstudio.classes import display_name
from artstudio.imageio import ImageError, open_image
from artstudio.models.classifier import EMBEDDING_DIM
from artstudio.models.custom_labels import LabelSetError, LabelStore, examples_from_folders, fit_label_set
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


def _zip_images(path: str) -> list[tuple[str, Image.Image | str]]:
    """(member name, image or error message) for every file in a zip, hidden files skipped."""
    items: list[tuple[str, Image.Image | str]] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            try:
                items.append((info.filename, open_image(zf.read(info)).image))
            except ImageError as err:
                items.append((info.filename, str(err).replace("upload:", "").strip()))
    return items


def _batch_images(paths: list[str]) -> list[tuple[str, Image.Image | str]]:
    """(name, image or error message) for each upload; zips are opened and their images read."""
    items: list[tuple[str, Image.Image | str]] = []
    for path in paths:
        if zipfile.is_zipfile(path):
            items += _zip_images(path)
            continue
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



def label_set_names() -> list[str]:
    return LabelStore().names()


def refresh_label_sets(current: str | None):
    """Re-read the saved label sets (another window or the CLI may have changed them)."""
    names = label_set_names()
    return gr.update(choices=names, value=current if current in names else None)


def train_labels(name: str, *label_files_and_zip):
    """Fit a custom label set from (label, files) pairs and/or a zip with one folder per label."""
    *pairs, zip_path = label_files_and_zip
    examples: dict[str, list[Image.Image]] = {}
    for label, files in zip(pairs[0::2], pairs[1::2]):
        if label and label.strip() and files:
            examples[label.strip()] = [load_upload(f, "an example image").image for f in files]
        elif files and not (label and label.strip()):
            raise gr.Error("Some example images have no label name beside them.")
    if zip_path:
        if not zipfile.is_zipfile(zip_path):
            raise gr.Error("The examples archive is not a zip file.")
        for label, images in examples_from_folders([(n, img) for n, img in _zip_images(zip_path)
                                                               if isinstance(img, Image.Image)]).items():
            examples.setdefault(label, []).extend(images)
    classifier = model("classifier")
    try:
        label_set = fit_label_set(name or "", {label: classifier.embed(images) for label, images in examples.items()})
        LabelStore().save(label_set)
    except LabelSetError as err:
        raise gr.Error(str(err))
    counts = ", ".join(f"{label} ({n})" for label, n in zip(label_set.labels, label_set.examples))
    return f"Saved **{label_set.name}**: {counts}.", gr.update(choices=label_set_names(), value=label_set.name)


def classify_custom(path: str | None, set_name: str | None):
    if not set_name:
        raise gr.Error("Pick one of your label sets (or teach one first).")
    loaded = load_upload(path, "an image")
    try:
        label_set = LabelStore().load(set_name, EMBEDDING_DIM)
    except LabelSetError as err:
        raise gr.Error(str(err))
    return dict(model("classifier").top_custom(label_set, loaded.image, 5))


def rename_label_set(set_name: str | None, new_name: str):
    try:
        renamed = LabelStore().rename(set_name or "", new_name or "", EMBEDDING_DIM)
    except LabelSetError as err:
        raise gr.Error(str(err))
    return gr.update(choices=label_set_names(), value=renamed.name)


def delete_label_set(set_name: str | None):
    try:
        LabelStore().delete(set_name or "")
    except LabelSetError as err:
        raise gr.Error(str(err))
    gr.Info(f"Deleted {set_name}.")
    return gr.update(choices=label_set_names(), value=None)


def export_label_set(set_name: str | None) -> str:
    try:
        return str(LabelStore().export_path(set_name or ""))
    except LabelSetError as err:
        raise gr.Error(str(err))


def import_label_set(path: str | None):
    if not path:
        raise gr.Error("Choose a .labels file to import.")
    try:
        label_set = LabelStore().import_file(Path(path), EMBEDDING_DIM)
    except LabelSetError as err:
        raise gr.Error(str(err))
    gr.Info(f"Imported {label_set.name}: {', '.join(label_set.labels)}.")
    return gr.update(choices=label_set_names(), value=label_set.name)
