"""Classify tab: movement probabilities, a Grad-CAM heat map, and a batch table with CSV export."""
from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
from PIL import Image

from artstudio.archive import ArchiveError, members, zip_images
from artstudio.classes import MOVEMENTS, artist_name, display_name
from artstudio.imageio import ImageError, open_image
from artstudio.models.custom_labels import LabelSetError, LabelStore, examples_from_folders, fit_label_set
from artstudio.outputs import output_path, save_preview
from artstudio.tabs.common import load_upload, model, number, one_of, show_notes

if TYPE_CHECKING:
    from artstudio.models.attribution import Attribution

MAX_BATCH = 200
MAX_EXAMPLES = 400
BATCH_PIXELS = 1024 * 1024      # the classifier sees 224 px: batch images are read no larger than this
BATCH_HEADERS = ["file", "top movement", "confidence", "second movement", "second confidence", "artist",
                 "artist probability", "year", "year range", "error"]
BATCH_TYPES = ["str", "str", "number", "str", "number", "str", "number", "number", "str", "str"]


def embedding_dim() -> int:
    """The classifier's embedding size, which label sets must match (imported on use: it brings torch)."""
    from artstudio.models.classifier import EMBEDDING_DIM
    return EMBEDDING_DIM


def heat_colours(heat: Image.Image) -> Image.Image:
    """Map a grey heat map to colour: transparent blue-ish low, red-yellow high."""
    palette = []
    for v in range(256):
        t = v / 255
        palette += [int(255 * min(1, 2 * t)), int(255 * max(0, 2 * t - 1)), int(255 * max(0, 1 - 2 * t))]
    coloured = heat.convert("L").copy()
    coloured.putpalette(palette)
    return coloured.convert("RGB")


def overlay(image: Image.Image | None, heat: Image.Image | None, opacity: float) -> str | None:
    """The heat map over the painting, as a preview file (see outputs.save_preview)."""
    if image is None or heat is None:
        return None
    return save_preview(Image.blend(image.convert("RGB"), heat_colours(heat), max(0.0, min(1.0, opacity))))


HEAT_TARGETS = ("Top movement", "Top artist")


def about_painting(found: Attribution | None, classifier) -> str:
    """Who painted it and when, in words, with how sure the model is."""
    if found is None:
        return "Artist and year: that model is not trained yet (weights/attribution_head.pt is missing)."
    slug, prob = found.artists[0]
    known = len(classifier.attributor.artists)
    if found.artist_known:
        about = classifier.attributor.lines[slug].split(": ", 1)[-1]      # the line opens with the name
        who = f"**Most likely {artist_name(slug)}** ({prob:.0%}): {about}."
    else:
        who = (f"**Probably by none of the {known} artists this model knows** (the closest is "
               f"{artist_name(slug)} at {prob:.0%}). Most paintings are by artists it has never seen.")
    return (f"{who}\n\n**Painted about {found.year}** (80% interval {found.year_low}-{found.year_high}).")


def classify_image(painting: str | None, top_k: int, opacity: float, heat_for: str = HEAT_TARGETS[0]):
    """Top-k movements and artists (gr.Label dicts), who and when in words, the heat-map overlay, and
    state for the opacity slider and the heat-map choice (both heat maps)."""
    top_k = number(top_k, "Movements to show", 1, len(MOVEMENTS), integer=True)
    opacity = number(opacity, "Heat map opacity", 0, 1)
    heat_for = one_of(heat_for, "Heat map for", HEAT_TARGETS)
    loaded = load_upload(painting, "a painting")
    show_notes(loaded.notes)
    classifier = model("classifier")
    top, found = classifier.analyse(loaded.image, top_k)
    artist_index = classifier.attributor.artists.index(found.artists[0][0]) if found else None
    movement_heat, artist_heat = classifier.heatmaps(loaded.image, MOVEMENTS.index(top[0][0]), artist_index)
    heats = {HEAT_TARGETS[0]: movement_heat} | ({HEAT_TARGETS[1]: artist_heat} if artist_heat else {})
    labels = {display_name(label): prob for label, prob in top}
    artists = {artist_name(slug): prob for slug, prob in found.artists} if found else {}
    state = (loaded.image, heats)
    return labels, artists, about_painting(found, classifier), update_overlay(state, opacity, heat_for), state


def update_overlay(state, opacity: float, heat_for: str = HEAT_TARGETS[0]):
    """The overlay for the chosen heat map (the movement's when the artist's is not there)."""
    image, heats = state or (None, {})
    return overlay(image, heats.get(heat_for, heats.get(HEAT_TARGETS[0])), opacity)


def _is_zip(path: str) -> bool:
    """A zip by content, or by name (a damaged zip is then named as one, not as a bad image)."""
    return zipfile.is_zipfile(path) or path.lower().endswith(".zip")


def _count_items(paths: list[str]) -> int:
    """How many rows a batch makes, from zip listings alone (nothing is inflated); an unusable zip is one."""
    def count(path: str) -> int:
        try:
            return len(members(path)) if _is_zip(path) else 1
        except ArchiveError:
            return 1
    return sum(count(p) for p in paths)


def _batch_images(paths: list[str]) -> Iterator[tuple[str, Image.Image | str]]:
    """(name, image or error message) for each upload, opened one at a time; zips member by member."""
    for path in paths:
        if _is_zip(path):
            try:
                for name, item in zip_images(path, BATCH_PIXELS):
                    yield name, item if isinstance(item, str) else item.image
            except ArchiveError as err:
                yield Path(path).name, str(err)
            continue
        try:
            yield Path(path).name, open_image(path, max_pixels=BATCH_PIXELS).image
        except ImageError as err:
            yield Path(path).name, str(err)


def classify_batch(files: list[str] | None, progress=gr.Progress()):
    """A table row per image (errors named in the row) and a CSV file of the same table."""
    if not files:
        raise gr.Error("Please upload some images or a zip of images.")
    paths = [f if isinstance(f, str) else f.name for f in files]
    total = _count_items(paths)
    if total > MAX_BATCH:
        raise gr.Error(f"{total} images is more than the {MAX_BATCH} one batch takes; split them up.")
    classifier = model("classifier")
    rows = []
    progress(0, desc="Classifying")
    for done, (name, item) in enumerate(_batch_images(paths), start=1):
        if isinstance(item, str):
            rows.append([name, "", None, "", None, "", None, None, "", item])
        else:
            ((first, p1), (second, p2)), found = classifier.analyse(item, 2)
            closest = artist_name(found.artists[0][0]) if found else ""
            who = ([closest if found.artist_known else f"unknown (closest: {closest})",
                    round(found.artists[0][1], 4), found.year, f"{found.year_low}-{found.year_high}"]
                   if found else ["", None, None, ""])
            rows.append([name, display_name(first), round(p1, 4), display_name(second), round(p2, 4), *who, ""])
        progress(done / max(total, 1), desc="Classifying")
    csv_path = output_path("classify", ".csv", what="movements")
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


def train_labels(name: str, label_1: str = "", examples_1: list[str] | None = None, label_2: str = "",
                 examples_2: list[str] | None = None, label_3: str = "", examples_3: list[str] | None = None,
                 label_4: str = "", examples_4: list[str] | None = None, archive: str | None = None):
    """Fit a custom label set from (label, files) pairs and/or a zip with one folder per label."""
    examples: dict[str, list[Image.Image]] = {}
    pairs = [(label_1, examples_1), (label_2, examples_2), (label_3, examples_3), (label_4, examples_4)]
    for label, files in pairs:
        label = label.strip() if isinstance(label, str) else ""
        files = files if isinstance(files, list) else [files] if files else []
        if len(files) > MAX_EXAMPLES:
            raise gr.Error(f"{len(files)} examples for {label or 'one label'}; at most {MAX_EXAMPLES} per label.")
        if label and files:
            examples[label] = [load_upload(f, "an example image", max_pixels=BATCH_PIXELS).image for f in files]
        elif files:
            raise gr.Error("Some example images have no label name beside them.")
    if archive:
        if not zipfile.is_zipfile(archive):
            raise gr.Error("The examples archive is not a zip file.")
        try:
            if len(members(archive)) > MAX_EXAMPLES:
                raise gr.Error(f"The examples zip holds more than {MAX_EXAMPLES} files; use fewer examples.")
            read = [(n, item.image) for n, item in zip_images(archive, BATCH_PIXELS) if not isinstance(item, str)]
        except ArchiveError as err:
            raise gr.Error(str(err))
        for label, images in examples_from_folders(read).items():
            examples.setdefault(label, []).extend(images)
    classifier = model("classifier")
    try:
        label_set = fit_label_set(name if isinstance(name, str) else "", {label: classifier.embed(images) for label, images in examples.items()})
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
        label_set = LabelStore().load(set_name, embedding_dim())
    except LabelSetError as err:
        raise gr.Error(str(err))
    return dict(model("classifier").top_custom(label_set, loaded.image, 5))


def rename_label_set(set_name: str | None, new_name: str):
    """(the label set list with the new name chosen, a note that says so)."""
    try:
        renamed = LabelStore().rename(set_name or "", new_name or "", embedding_dim())
    except LabelSetError as err:
        raise gr.Error(str(err))
    return gr.update(choices=label_set_names(), value=renamed.name), f"Renamed {set_name} to **{renamed.name}**."


def delete_label_set(set_name: str | None, confirmed: bool = True):
    """Delete a label set once the page's confirm dialog said yes."""
    if confirmed is not True:
        return gr.skip()
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
        label_set = LabelStore().import_file(Path(path), embedding_dim())
    except LabelSetError as err:
        raise gr.Error(str(err))
    gr.Info(f"Imported {label_set.name}: {', '.join(label_set.labels)}.")
    return gr.update(choices=label_set_names(), value=label_set.name)
