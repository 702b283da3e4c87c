"""Style transfer tab: fast result on click, detailed refinement with live preview and cancel."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import gradio as gr
from PIL import Image

from artstudio import presets
from artstudio.outputs import output_path, save_preview
from artstudio.recipe import check_params, make_recipe, read_recipe, records, save_png
from artstudio.recipe import one_of as recipe_one_of
from artstudio.specs import STYLE_SIZES, STYLIZE
from artstudio.tabs.common import load_upload, model, one_of, region_mask, setting, show_notes
from artstudio.tabs.gallery import keep

if TYPE_CHECKING:
    from artstudio.models.stylizer import StyleSource

NO_STYLE = "None"
UPLOADED = presets.UPLOADED
SIZES = list(STYLE_SIZES)


def style_choices() -> list[str]:
    return [NO_STYLE] + list(presets.by_caption()) + [UPLOADED]


def resolve_styles(slots: list[tuple[str, str | None, float]]) -> tuple[list[StyleSource], list[dict]]:
    """Turn (choice, upload path, weight) slots into StyleSources plus their recipe description."""
    from artstudio.models.stylizer import StyleSource
    sources, described = [], []
    for i, (choice, upload, weight) in enumerate(slots, start=1):
        choice = one_of(choice or NO_STYLE, f"Style {i}", style_choices())
        weight = setting(STYLIZE["weight"], weight, f"Weight of style {i}")
        if choice == NO_STYLE or weight <= 0:
            continue
        if choice == UPLOADED:
            loaded = load_upload(upload, f"a style image in slot {i}")
            image = loaded.image
        else:
            image = Image.open(presets.by_caption()[choice]).convert("RGB")
        sources.append(StyleSource(image, float(weight)))
        described.append({"style": choice, "weight": float(weight)})
    if not sources:
        raise gr.Error("Pick at least one style (a preset or your own image) with a weight above zero.")
    return sources, described


def _save(result: Image.Image, content: Image.Image, mode: str, params: dict, request: gr.Request | None) -> tuple:
    stylizer = model("stylizer")
    recipe = make_recipe("stylize", f"{stylizer.name} ({mode})", stylizer.sha256, dict(params, mode=mode))
    path = save_png(result, output_path("stylize"), recipe)
    keep(path, "stylize", request)
    before = content.resize(result.size, Image.LANCZOS)
    return str(path), (save_preview(before), str(path)), str(path)


def _inputs(content, style_1, upload_1, weight_1, style_2, upload_2, weight_2, style_3, upload_3, weight_3,
            strength, preserve_color, size, region):
    loaded = load_upload(content, "a content picture")
    show_notes(loaded.notes)
    styles, described = resolve_styles([(style_1, upload_1, weight_1), (style_2, upload_2, weight_2),
                                        (style_3, upload_3, weight_3)])
    mask = region_mask(region)
    size = setting(STYLIZE["size"], size)
    params = {"styles": described, "strength": setting(STYLIZE["strength"], strength),
              "preserve_color": bool(preserve_color), "size": size, "region": mask is not None}
    return loaded.image, styles, mask, params


def stylize_fast(content, style_1=None, upload_1=None, weight_1=1.0, style_2=NO_STYLE, upload_2=None, weight_2=1.0,
                 style_3=NO_STYLE, upload_3=None, weight_3=1.0, strength=1.0, preserve_color=False, size=512,
                 region=None, request: gr.Request = None):
    """Fast mode: returns (result path, before/after pair, download path). Defaults of None let API callers
    leave out the optional uploads (Gradio reads them from this signature)."""
    content, styles, mask, params = _inputs(content, style_1, upload_1, weight_1, style_2, upload_2, weight_2,
                                            style_3, upload_3, weight_3, strength, preserve_color, size, region)
    try:
        result = model("stylizer").stylize(content, styles, params["strength"], params["size"],
                                           params["preserve_color"], mask)
    except ValueError as err:
        raise gr.Error(str(err))
    return _save(result, content, "fast", params, request)


def stylize_detailed(content, style_1=None, upload_1=None, weight_1=1.0, style_2=NO_STYLE, upload_2=None,
                     weight_2=1.0, style_3=NO_STYLE, upload_3=None, weight_3=1.0, strength=1.0, preserve_color=False,
                     size=512, steps=STYLIZE["steps"].default, region=None, request: gr.Request = None, progress=gr.Progress()):
    """Detailed mode: yields live previews every few steps with a line saying "step k of n, about t s left",
    then (result, before/after, download, line, progress state). The state (the last preview, the steps
    done and the settings) lets Cancel offer the preview as a download (`cancelled`)."""
    content_path = content
    content, styles, mask, params = _inputs(content, style_1, upload_1, weight_1, style_2, upload_2, weight_2,
                                            style_3, upload_3, weight_3, strength, preserve_color, size, region)
    steps = setting(STYLIZE["steps"], steps)
    strength, size = params["strength"], params["size"]
    stylizer = model("stylizer")
    progress(0, desc="Fast pass")
    try:
        start = stylizer.stylize(content, styles, strength, size)
    except ValueError as err:
        raise gr.Error(str(err))
    result = start
    began = time.perf_counter()
    yield save_preview(start), gr.skip(), gr.skip(), f"Refining: step 0 of {steps}", gr.skip()
    for step, result in stylizer.refine_steps(content, styles, start, strength, size, steps,
                                              params["preserve_color"], mask):
        progress(step / steps, desc=f"Refining: step {step} of {steps}")
        if step < steps:
            left = (time.perf_counter() - began) / step * (steps - step)
            preview = save_preview(result)
            yield (preview, gr.skip(), gr.skip(), f"Refining: step {step} of {steps}, about {left:.0f} s left",
                   {"preview": preview, "content": content_path, "params": dict(params, steps=step), "of": steps})
    params["steps"] = steps
    yield *_save(result, content, "detailed", params, request), f"Refined: {steps} steps.", None


def cancelled(state: dict | None, request: gr.Request = None):
    """Cancel refine: the last preview becomes the result, saved with its recipe (the steps done)."""
    if not state:
        return gr.skip(), gr.skip(), gr.skip(), "Cancelled before the first preview: nothing to keep.", None
    content = load_upload(state["content"], "the content picture").image
    preview = load_upload(state["preview"], "the last preview").image
    done, total = state["params"]["steps"], state["of"]
    saved = _save(preview, content, "detailed", dict(state["params"], cancelled_at=f"{done} of {total}"), request)
    return *saved, f"Cancelled after {done} of {total} steps: the last preview is kept and below to download.", None


def preset_from_gallery(evt: gr.SelectData) -> str:
    """Clicking a preset in the gallery makes it style 1 (the gallery lists the presets in PRESETS order)."""
    return presets.caption(list(presets.PRESETS)[evt.index])


def region_background(path: str | None):
    """Show the content picture in the region editor, ready to paint on."""
    return {"background": path, "layers": [], "composite": path} if path else None


RESTORED = 11      # restore_settings' outputs: three styles, three weights, strength, colours, size, steps


def restore_settings(path: str | None):
    """Dropping an ArtStudio stylize PNG (from the tab, the CLI or a batch) into the content box restores
    its settings, those that check out: (styles 1-3, weights 1-3, strength, keep colours, size, steps)."""
    checked = check_params(read_recipe(path) if path else None, "stylize", {
        "styles": records(3, {"style": recipe_one_of(style_choices()), "weight": STYLIZE["weight"].recipe_check()}),
        **STYLIZE.recipe_fields("strength", "preserve_color", "size", "steps")})
    if checked is None:
        return [gr.skip()] * RESTORED
    p = checked.params
    slots = p.get("styles", []) + [{"style": NO_STYLE, "weight": 1.0}] * 3
    if checked.problems:
        gr.Warning(checked.note())
    gr.Info("Settings restored from the image's recipe.")
    return [*(slot["style"] for slot in slots[:3]), *(slot["weight"] for slot in slots[:3]),
            *(p.get(name, STYLIZE[name].default) for name in ("strength", "preserve_color", "size", "steps"))]


def reopen(path: str | None):
    """A Style transfer PNG opened from the gallery or the drop zone: the content box plus the settings
    restore_settings gives; skips for other tabs' pictures."""
    recipe = read_recipe(path) if path else None
    if not recipe or recipe.get("tab") != "stylize":
        return [gr.skip()] * (1 + RESTORED)
    return [path, *restore_settings(path)]
