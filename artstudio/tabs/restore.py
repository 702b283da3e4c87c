"""Restore tab: clean noise and JPEG blocks out of a picture, enlarge it x2 or x4, compare at 1:1."""
import gradio as gr
from PIL import Image

from artstudio.outputs import output_path, save_preview
from artstudio.recipe import check_params, make_recipe, read_recipe, save_png
from artstudio.specs import RESTORE, RestoreJob
from artstudio.tabs.common import load_upload, model, one_of, setting, show_notes
from artstudio.tabs.gallery import keep
from artstudio.weights import WeightsError

# label -> (clean first?, enlargement); cleaning always comes before enlarging, which would magnify the damage
TASKS = {"Clean (noise and JPEG blocks)": (True, 1), "Enlarge x2": (False, 2), "Enlarge x4": (False, 4),
         "Clean, then enlarge x2": (True, 2), "Clean, then enlarge x4": (True, 4)}
UPSCALERS = {"Fast (trained here)": "fast",      # labels are the HTTP API's values too: keep them
             "Sharp (trained here: draws strokes and texture where Fast blurs)": "sharp",
             "Detailed (Real-ESRGAN x4plus: about 60 times slower, seconds for a 128 px picture)": "detailed"}
ZOOM = 192       # side of the 1:1 comparison crop, in output pixels


def job_for(task: str, strength: float, upscaler: str) -> RestoreJob:
    clean, scale = TASKS[one_of(task, "What to do", TASKS)]
    strength = setting(RESTORE["strength"], strength)
    return RestoreJob(clean=strength if clean else 0.0, scale=scale,
                      upscaler=UPSCALERS[one_of(upscaler, RESTORE["upscaler"].label, UPSCALERS)])


def before_image(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The input at the output's size (bicubic, as any viewer would enlarge it)."""
    return image if image.size == size else image.resize(size, Image.BICUBIC)


def zoom_pair(before: Image.Image, after: Image.Image, centre: tuple[int, int] | None = None) -> Image.Image:
    """Side by side at 1:1: the input (enlarged pixel for pixel) and the result, around `centre`."""
    cx, cy = centre or (after.width // 2, after.height // 2)
    side = min(ZOOM, after.width, after.height)
    left = max(0, min(after.width - side, cx - side // 2))
    top = max(0, min(after.height - side, cy - side // 2))
    box = (left, top, left + side, top + side)
    pair = Image.new("RGB", (2 * side + 8, side), (255, 255, 255))
    pair.paste(before.resize(after.size, Image.NEAREST).crop(box), (0, 0))
    pair.paste(after.crop(box), (side + 8, 0))
    return pair


def restore(picture: str | None, task: str, strength: float, upscaler: str, request: gr.Request = None,
            progress=gr.Progress()):
    """Yields nothing new while tiles run (so Cancel can stop it), then (result, before/after, 1:1 zoom, download)."""
    job = job_for(task, strength, upscaler)
    loaded = load_upload(picture, "a picture to restore")
    show_notes(loaded.notes)
    restorer = model("restorer")
    image = loaded.image
    try:
        job.validate(image.size)
    except ValueError as err:
        raise gr.Error(str(err))
    if not restorer.stages(job):
        gr.Info("Cleaning strength 0 leaves the picture as it is: raise it to clean the picture.")
    result = None
    try:
        for fraction, result in restorer.steps(image, job):
            progress(fraction, desc="Restoring")
            if result is None:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
    except WeightsError as err:
        raise gr.Error(str(err))
    recipe = make_recipe("restore", restorer.name, restorer.weights_for(job), job.recipe_params(image.size))
    saved = save_png(result, output_path("restore"), recipe)
    keep(saved, "restore", request)
    before = before_image(image, result.size)
    yield str(saved), (save_preview(before), str(saved)), save_preview(zoom_pair(image, result)), str(saved)


def zoom_at(picture: str | None, result_path: str | None, evt: gr.SelectData):
    """Clicking the result shows that spot at 1:1 beside the input."""
    if not picture or not result_path:
        raise gr.Error("Restore a picture first, then click the result where you want to look closely.")
    image, result = load_upload(picture).image, load_upload(result_path).image
    return save_preview(zoom_pair(image, result, (int(evt.index[0]), int(evt.index[1]))))


def reopen(path: str | None):
    """A Restore PNG opened from the gallery or the drop zone: (picture, task, strength, upscaler), from the
    recipe's strength, scale and upscaler (the CLI and the tab write the same fields); skips otherwise."""
    checked = check_params(read_recipe(path) if path else None, "restore",
                           RESTORE.recipe_fields("strength", "scale", "upscaler"))
    if checked is None:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    p = checked.params
    if checked.problems:
        gr.Warning(checked.note())
    strength, scale = p.get("strength", RESTORE["strength"].start), p.get("scale", 2)
    task = next(label for label, (clean, s) in TASKS.items() if s == scale and clean == (strength > 0 or scale == 1))
    upscaler = next(label for label, key in UPSCALERS.items() if key == p.get("upscaler", "fast"))
    return path, task, strength if strength > 0 else gr.skip(), upscaler
