"""Generate tab: seeds, named sliders, variations and blends over the painting generator."""
import random
import re

import gradio as gr
from PIL import Image

from artstudio.models import registry
from artstudio.models.directions import direction_names as generator_directions
from artstudio.outputs import PREVIEWS, output_path
from artstudio.recipe import check_params, finite, make_recipe, mapping, read_recipe, save_png, vector
from artstudio.specs import GENERATE, MAX_SEED, RestoreJob
from artstudio.tabs.common import model, number, setting
from artstudio.tabs.gallery import keep
from artstudio.weights import WeightsError

DISPLAY_SIZE = 512
DISPLAY_JOB = RestoreJob(scale=4)      # the fast x4: side by side it keeps brush marks crisper than the one-pass x4


def direction_names() -> list[str]:
    """Slider names of the installed generator (empty when it is not installed)."""
    try:
        return generator_directions()
    except WeightsError:
        return []


def slider_key(name: str) -> str:
    """A direction's name as a parameter name: "light from above" -> "light_from_above"."""
    return re.sub(r"\W+", "_", name)


def _sliders(values: dict[str, float]) -> dict[str, float]:
    """The handlers' named slider values (missing ones at zero) as {direction name: checked value}."""
    names = model("generator").direction_names     # the loaded model's: no file read on each slider release
    return {name: setting(GENERATE["slider"], values.get(slider_key(name), 0.0), name.capitalize())
            for name in names}


def enlarged(image: Image.Image) -> Image.Image:
    """The painting at DISPLAY_SIZE through the Restore tab's restorer (DISPLAY_JOB), Lanczos while it is
    not installed."""
    try:
        restorer = registry.get("restorer")
    except WeightsError:
        return image.resize((DISPLAY_SIZE, DISPLAY_SIZE), Image.LANCZOS)
    return restorer.restore(image, DISPLAY_JOB)


def _publish(image: Image.Image, state: dict, sliders: dict[str, float], folder: str = "generate"):
    """Save native and upscaled PNGs with the recipe; return (display, downloads, state)."""
    generator = model("generator")
    recipe = make_recipe("generate", generator.name, generator.sha256,
                         {"seed": state["seed"], "truncation": state["truncation"], "sliders": sliders,
                          "w": state["w"]})
    native = save_png(image, output_path(folder), recipe)
    large = enlarged(image)
    upscaled = save_png(large, native.with_name(native.stem + f"-{DISPLAY_SIZE}px.png"), recipe)
    return str(upscaled), [str(native), str(upscaled)], state


def _render(state: dict | None, slider_values: dict[str, float], folder: str):
    if not state:
        raise gr.Error("Generate a painting first.")
    generator = model("generator")
    sliders = _sliders(slider_values)
    w = generator.edit(state["w"], sliders)
    return _publish(generator.render(w)[0], state, sliders, folder)


def render_state(state: dict | None, **slider_values: float):
    """Re-render the current painting with the sliders (a slider drag: kept in the preview cache)."""
    return _render(state, slider_values, PREVIEWS)


def retruncate(state: dict | None, truncation: float, **slider_values: float):
    """Moving Truncation re-renders the current painting's seed at the new truncation (a preview, as a
    slider drag is); before any painting exists there is nothing to re-render."""
    if not state:
        return gr.skip(), gr.skip(), gr.skip()
    truncation = setting(GENERATE["truncation"], truncation)
    new_state = dict(state, truncation=truncation, w=model("generator").latent(state["seed"], truncation).tolist())
    return _render(new_state, slider_values, PREVIEWS)


def new_painting(seed: float, truncation: float, request: gr.Request = None, **slider_values: float):
    """A painting from a seed and truncation, with the sliders (named, see slider_key) applied; kept in the
    caller's gallery."""
    generator = model("generator")
    seed = setting(GENERATE["seed"], 0 if seed is None else seed)
    truncation = setting(GENERATE["truncation"], truncation)
    state = {"seed": seed, "truncation": truncation, "w": generator.latent(seed, truncation).tolist()}
    shown, downloads, state = _render(state, slider_values, "generate")
    keep(shown, "generate", request)
    return shown, downloads, state


def keep_current(state: dict | None, request: gr.Request = None, **slider_values: float):
    """The current painting as steered by the sliders, saved and kept in the gallery."""
    shown, downloads, state = _render(state, slider_values, "generate")
    keep(shown, "generate", request)
    gr.Info("Kept in your gallery.")
    return shown, downloads, state


def edit(seed: float, truncation: float, sliders: dict | None, request: gr.Request = None):
    """API form of the sliders: {"brightness": 1.5, ...}; names not listed stay at zero."""
    names = model("generator").direction_names
    if sliders is not None and not isinstance(sliders, dict):
        raise gr.Error('Sliders must be a JSON object of name: value, e.g. {"brightness": 1.5}.')
    unknown = set(sliders or {}) - set(names)
    if unknown:
        raise gr.Error(f"Unknown direction(s) {', '.join(sorted(map(str, unknown)))}; known: {', '.join(names)}.")
    return new_painting(seed, truncation, request, **{slider_key(n): v for n, v in (sliders or {}).items()})


def roll_dice() -> int:
    return random.randint(0, MAX_SEED)


def reset_sliders() -> list[float]:
    return [0.0] * len(direction_names())


def make_variations(state: dict | None, step: float, **slider_values: float):
    """A 3x3 grid of small steps around the current painting (the centre is the current one)."""
    if not state:
        raise gr.Error("Generate a painting first.")
    generator = model("generator")
    step = number(step, "Variation step", 0.1, 1.5)
    w = generator.edit(state["w"], _sliders(slider_values))
    ws = generator.variations(w, step, seed=random.randint(0, MAX_SEED))
    images = generator.render(ws)
    return [(img, "current" if i == 4 else f"variation {i + 1}") for i, img in enumerate(images)], ws.tolist()


def pick_variation(state: dict | None, variation_ws: list | None, evt: gr.SelectData):
    """Clicking a variation makes it the current painting (sliders start again from zero)."""
    if not state or not variation_ws:
        raise gr.Error("Make variations first.")
    new_state = dict(state, w=variation_ws[evt.index])
    return (*render_state(new_state), *reset_sliders())


def blend(seed_a: float, seed_b: float, truncation: float, frames: float, request: gr.Request = None):
    """Interpolation between two seeds: a strip image and an animated GIF."""
    seed_a = setting(GENERATE["seed"], seed_a, "Seed A")
    seed_b = setting(GENERATE["seed"], seed_b, "Seed B")
    truncation = setting(GENERATE["truncation"], truncation)
    frames = setting(GENERATE["frames"], frames)
    generator = model("generator")
    ws = generator.interpolate(generator.latent(seed_a, truncation), generator.latent(seed_b, truncation), frames)
    images = generator.render(ws)
    size = images[0].width
    strip = Image.new("RGB", (size * len(images), size))
    for i, img in enumerate(images):
        strip.paste(img, (i * size, 0))
    recipe = make_recipe("generate", generator.name, generator.sha256,
                         {"blend": [seed_a, seed_b], "truncation": truncation, "frames": frames})
    strip_path = save_png(strip, output_path("generate"), recipe)
    gif_path = output_path("generate", ".gif")
    big = [img.resize((256, 256), Image.LANCZOS) for img in images + images[-2:0:-1]]   # there and back
    big[0].save(gif_path, save_all=True, append_images=big[1:], duration=120, loop=0)
    keep(strip_path, "generate", request)
    return str(strip_path), str(gif_path)


def restore_painting(path: str | None):
    """Dropping an ArtStudio painting PNG restores seed, truncation, sliders and the exact latent.
    The recipe is checked field by field; what fails is named and nothing wrong is applied."""
    checked = _painting_recipe(path)
    if checked is None:
        raise gr.Error("This image carries no ArtStudio painting recipe.")
    return _restored(checked)


def _painting_recipe(path: str | None):
    from artstudio.models.generator import LATENT_SIZE
    return check_params(read_recipe(path) if path else None, "generate", {
        **GENERATE.recipe_fields("seed", "truncation", "frames"),
        "sliders": mapping(direction_names(), GENERATE["slider"].recipe_check()),
        "w": vector(LATENT_SIZE, finite(-1e3, 1e3)), "blend": vector(2, GENERATE["seed"].recipe_check())})


def _restored(checked) -> tuple:
    """(seed, truncation, *sliders, painting, downloads, state) from a checked painting recipe."""
    if "w" not in checked.params:
        raise gr.Error(checked.note() or "The recipe holds no painting latent (w) to restore.")
    p = checked.params
    seed, truncation = p.get("seed", GENERATE["seed"].default), p.get("truncation", GENERATE["truncation"].default)
    state = {"seed": seed, "truncation": truncation, "w": p["w"]}
    names = direction_names()
    sliders = [p.get("sliders", {}).get(n, 0.0) for n in names]
    if checked.problems:
        gr.Warning(checked.note())
    gr.Info("Painting restored from its recipe.")
    return (seed, truncation, *sliders, *render_state(state, **{slider_key(n): v for n, v in zip(names, sliders)}))


def reopen(path: str | None):
    """A Generate PNG opened from the gallery or the drop zone: the painting (seed, truncation, sliders,
    painting, downloads, state) or, for a blend strip, its seeds and frames; skips for other tabs'."""
    checked = _painting_recipe(path)
    skips = [gr.skip()] * (2 + len(direction_names()) + 3)
    if checked is None:
        return [*skips, gr.skip(), gr.skip(), gr.skip()]
    if "blend" in checked.params:
        gr.Info("A blend strip: its seeds and frames are back in 'Blend two seeds'.")
        seed_a, seed_b = checked.params["blend"]
        return [*skips, seed_a, seed_b, checked.params.get("frames", gr.skip())]
    return [*_restored(checked), gr.skip(), gr.skip(), gr.skip()]
