"""Generate tab: seeds, named sliders, variations and blends over the painting generator."""
import random

import gradio as gr
import torch
from PIL import Image

from artstudio.outputs import output_path
from artstudio.recipe import make_recipe, read_recipe, save_png
from artstudio.tabs.common import model

DISPLAY_SIZE = 512
MAX_SEED = 2**31 - 1


def direction_names() -> list[str]:
    """Slider names of the installed generator (empty when it is not installed)."""
    try:
        return model("generator").direction_names
    except gr.Error:
        return []


def _sliders(values: tuple) -> dict[str, float]:
    return {name: float(v) for name, v in zip(direction_names(), values)}


def _publish(image: Image.Image, state: dict, sliders: dict[str, float]):
    """Save native and upscaled PNGs with the recipe; return (display, downloads, state)."""
    generator = model("generator")
    recipe = make_recipe("generate", generator.name, generator.sha256,
                         {"seed": state["seed"], "truncation": state["truncation"], "sliders": sliders,
                          "w": state["w"]})
    native = save_png(image, output_path("generate"), recipe)
    large = image.resize((DISPLAY_SIZE, DISPLAY_SIZE), Image.LANCZOS)
    upscaled = save_png(large, native.with_name(native.stem + f"-{DISPLAY_SIZE}px.png"), recipe)
    return str(upscaled), [str(native), str(upscaled)], state


def render_state(state: dict | None, *slider_values):
    """Re-render the current painting with the sliders (used on slider release)."""
    if not state:
        raise gr.Error("Generate a painting first.")
    generator = model("generator")
    sliders = _sliders(slider_values)
    w = generator.edit(torch.tensor(state["w"]), sliders)
    return _publish(generator.render(w)[0], state, sliders)


def new_painting(seed: float, truncation: float, *slider_values):
    """A painting from a seed and truncation, with the sliders applied."""
    generator = model("generator")
    seed = int(seed or 0) % (MAX_SEED + 1)
    w = generator.latent(seed, float(truncation))
    state = {"seed": seed, "truncation": float(truncation), "w": w.tolist()}
    return render_state(state, *slider_values)


def edit(seed: float, truncation: float, sliders: dict | None):
    """API form of the sliders: {"brightness": 1.5, ...}; names not listed stay at zero."""
    names = direction_names()
    unknown = set(sliders or {}) - set(names)
    if unknown:
        raise gr.Error(f"Unknown direction(s) {', '.join(sorted(unknown))}; known: {', '.join(names)}.")
    return new_painting(seed, truncation, *[float((sliders or {}).get(n, 0.0)) for n in names])


def roll_dice() -> int:
    return random.randint(0, MAX_SEED)


def reset_sliders() -> list[float]:
    return [0.0] * len(direction_names())


def make_variations(state: dict | None, step: float, *slider_values):
    """A 3x3 grid of small steps around the current painting (the centre is the current one)."""
    if not state:
        raise gr.Error("Generate a painting first.")
    generator = model("generator")
    w = generator.edit(torch.tensor(state["w"]), _sliders(slider_values))
    ws = generator.variations(w, float(step), seed=random.randint(0, MAX_SEED))
    images = generator.render(ws)
    return [(img, "current" if i == 4 else f"variation {i + 1}") for i, img in enumerate(images)], ws.tolist()


def pick_variation(state: dict | None, variation_ws: list | None, evt: gr.SelectData):
    """Clicking a variation makes it the current painting (sliders start again from zero)."""
    if not state or not variation_ws:
        raise gr.Error("Make variations first.")
    new_state = dict(state, w=variation_ws[evt.index])
    return (*render_state(new_state, *reset_sliders()), *reset_sliders())


def blend(seed_a: float, seed_b: float, truncation: float, frames: float):
    """Interpolation between two seeds: a strip image and an animated GIF."""
    generator = model("generator")
    frames = max(3, min(32, int(frames)))
    ws = generator.interpolate(generator.latent(int(seed_a), truncation), generator.latent(int(seed_b), truncation), frames)
    images = generator.render(ws)
    size = images[0].width
    strip = Image.new("RGB", (size * len(images), size))
    for i, img in enumerate(images):
        strip.paste(img, (i * size, 0))
    recipe = make_recipe("generate", generator.name, generator.sha256,
                         {"blend": [int(seed_a), int(seed_b)], "truncation": float(truncation), "frames": frames})
    strip_path = save_png(strip, output_path("generate"), recipe)
    gif_path = output_path("generate", ".gif")
    big = [img.resize((256, 256), Image.LANCZOS) for img in images + images[-2:0:-1]]   # there and back
    big[0].save(gif_path, save_all=True, append_images=big[1:], duration=120, loop=0)
    return str(strip_path), str(gif_path)


def restore(path: str | None):
    """Dropping an ArtStudio painting PNG restores seed, truncation, sliders and the exact latent."""
    recipe = read_recipe(path) if path else None
    names = direction_names()
    if not recipe or recipe.get("tab") != "generate" or "w" not in recipe.get("params", {}):
        raise gr.Error("This image carries no ArtStudio painting recipe.")
    p = recipe["params"]
    state = {"seed": p["seed"], "truncation": p["truncation"], "w": p["w"]}
    sliders = [float(p.get("sliders", {}).get(n, 0.0)) for n in names]
    gr.Info("Painting restored from its recipe.")
    return (p["seed"], p["truncation"], *sliders, *render_state(state, *sliders))
