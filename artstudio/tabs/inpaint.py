"""Inpaint tab: paint a mask (or upload one), fill it with the network or the classical method."""
import gradio as gr

from artstudio.imageio import flatten_alpha
from artstudio.outputs import output_path, save_preview
from artstudio.recipe import check_params, make_recipe, read_mask, read_recipe, save_png
from artstudio.specs import INPAINT
from artstudio.tabs.common import load_upload, model, one_of, region_mask, show_notes
from artstudio.tabs.gallery import keep

# The network (with the picture's own texture copied into its fill) comes first, the default: on held-out
# photos at their own size it measures better than OpenCV's methods and the classical fill on thin, thick
# and box holes (README, Inpainting card; training/eval_inpainter.py --native).
METHOD_LABELS = {"Network (trained U-Net)": "network", "Classical (smooth harmonic fill)": "classical"}


def fill(editor: dict | None, mask_file: str | None = None, method: str = next(iter(METHOD_LABELS)),
         request: gr.Request = None):
    """Returns (before/after pair, result path for download, mask path for download)."""
    from artstudio.models.inpainter import MaskError, binary_mask, classical_fill, fill_params
    if not isinstance(editor, dict) or not editor.get("background"):
        raise gr.Error("Please upload an image into the editor first.")
    method = one_of(METHOD_LABELS.get(method, method), INPAINT["method"].label, INPAINT["method"].choices)
    loaded = load_upload(editor["background"], "an image", keep_alpha=True)
    image = flatten_alpha(loaded.image)
    mask_source = load_upload(mask_file, "a mask", keep_alpha=True).image if mask_file else region_mask(editor)
    if mask_source is None:
        raise gr.Error("Paint over the part to repair with the brush (or upload a mask) first.")
    mask, mask_notes = binary_mask(mask_source, image.size)
    show_notes(loaded.notes + mask_notes)
    try:
        if method == "network":
            inpainter = model("inpainter")
            name, sha, result = inpainter.name, inpainter.sha256, inpainter.fill(image, mask)
        else:
            name, sha, result = "harmonic-fill", "", classical_fill(image, mask)
    except MaskError as err:
        raise gr.Error(str(err))
    recipe = make_recipe("inpaint", name, sha, fill_params(method, mask))
    result_path = save_png(result, output_path("inpaint"), recipe, mask=mask)
    mask_path = output_path("inpaint-masks")
    mask.save(mask_path)
    keep(result_path, "inpaint", request)
    return (save_preview(image), str(result_path)), str(result_path), str(mask_path)


def continue_editing(result_path: str | None):
    """Put the last result back into the editor as the new image to repair."""
    if not result_path:
        raise gr.Error("Fill something first; then the result can go back into the editor.")
    image = load_upload(result_path, "a result").image
    return {"background": image, "layers": [], "composite": image}


def reopen(path: str | None):
    """An Inpaint PNG opened from the gallery or the drop zone: (editor, mask upload, method), restored from
    its recipe and stored mask; three skips for other tabs' pictures."""
    checked = check_params(read_recipe(path) if path else None, "inpaint",
                           INPAINT.recipe_fields("method"))
    if checked is None:
        return gr.skip(), gr.skip(), gr.skip()
    method = checked.params.get("method", "network")
    label = next(label for label, key in METHOD_LABELS.items() if key == method)
    mask = read_mask(path)
    mask_path = None
    if mask is not None:
        mask_path = output_path("inpaint-masks")
        mask.save(mask_path)
    notes = [checked.note()] if checked.problems else []
    if mask is None:
        notes.append("The picture holds no mask: paint the part to repair again.")
    for note in notes:
        gr.Warning(note)
    image = load_upload(path, "an Inpaint result").image
    return {"background": image, "layers": [], "composite": image}, str(mask_path) if mask_path else None, label
