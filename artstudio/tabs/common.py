"""Helpers every tab handler uses: the image door with UI-friendly errors, model access, notes,
checked parameters and painted masks."""
import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.context import LocalContext
from PIL import Image

from artstudio.imageio import MAX_PIXELS, ImageError, LoadedImage, open_image
from artstudio.models import registry
from artstudio.specs import Param
from artstudio.weights import WeightsError


def load_upload(path: str | Path | None, what: str = "an image", keep_alpha: bool = False,
                max_pixels: int = MAX_PIXELS) -> LoadedImage:
    if not path:
        raise gr.Error(f"Please upload {what} first.")
    if not isinstance(path, (str, Path)):
        raise gr.Error(f"Expected {what} as an uploaded file.")
    try:
        return open_image(path, keep_alpha=keep_alpha, max_pixels=max_pixels)
    except ImageError as err:
        raise gr.Error(str(err))


def setting(param: Param, value: Any, label: str = "") -> Any:
    """A parameter from the UI or the API checked against its spec (artstudio/specs.py), or a clear
    gr.Error naming the field (`label` when one control stands for several, e.g. "Weight of style 2")."""
    try:
        return param.check(value, label)
    except ValueError as err:
        raise gr.Error(str(err)) from None


def number(value, label: str, low: float, high: float, *, integer: bool = False) -> float | int:
    """A UI-only number (one no other door takes) as a finite number in [low, high], or a clear gr.Error."""
    return setting(Param(label, label, int if integer else float, low=low, high=high), value)


def one_of(value, label: str, options) -> str:
    """A UI-only choice (compared as given), or a clear gr.Error."""
    if not isinstance(value, str):
        raise gr.Error(f"{label} must be one of: {', '.join(map(str, options))}; got {value!r}.")
    return setting(Param(label, label, str, choices=tuple(options)), value)


def region_mask(editor_value: dict | None) -> Image.Image | None:
    """The painted strokes of an image editor as a mask (alpha), or None when nothing was painted."""
    if not isinstance(editor_value, dict) or not editor_value.get("layers"):
        return None
    mask = None
    for layer in editor_value["layers"]:
        alpha = load_upload(layer, "a painted layer", keep_alpha=True).image.convert("RGBA").getchannel("A")
        if mask is not None and alpha.size != mask.size:
            alpha = alpha.resize(mask.size, Image.NEAREST)
        mask = alpha if mask is None else Image.composite(alpha, mask, alpha)
    return mask if mask is not None and mask.getbbox() else None


def model(name: str):
    try:
        return registry.get(name)
    except WeightsError as err:
        raise gr.Error(str(err))


def show_notes(notes: list[str]) -> None:
    for note in notes:
        gr.Info(note)


def status_markdown(name: str, ready_text: str) -> str:
    """One line for the top of a tab: what model it runs, or plainly why it cannot run."""
    problem = registry.availability(name)
    return f"⚠️ {problem}" if problem else ready_text


MODEL_WORDS = {"classifier": "the classifier", "stylizer": "style transfer", "inpainter": "inpainting",
               "generator": "the painting generator", "restorer": "restoration"}


def loading_note():
    """The page's line about models still loading in the background, and the timer that polls it (stopped
    once everything is in)."""
    waiting = registry.still_loading()
    if not waiting:
        return gr.Markdown(visible=False), gr.Timer(active=False)
    names = ", ".join(MODEL_WORDS[name] for name in waiting)
    return (gr.Markdown(f"*Still loading in the background: {names}. Look around meanwhile; a first click waits "
                        "until its model is in.*", visible=True), gr.Timer(active=True))


def picture_for(path: str | list | None, editor: bool = False):
    """A result (a path, or a list of them) as another tab's input: a path, or an editor value."""
    if isinstance(path, list):
        path = path[-1] if path else None
    if not path:
        raise gr.Error("There is no result to send yet.")
    return {"background": path, "layers": [], "composite": path} if editor else path


def from_browser() -> bool:
    """True while handling a call from the page itself, which marks its calls with the header
    x-gradio-user: app (gradio_client's say api). The request is the one Gradio sets for the running handler."""
    headers = getattr(LocalContext.request.get(None), "headers", None)
    return headers is not None and headers.get("x-gradio-user") == "app"


def _refuse_quietly(err: gr.Error) -> None:
    """In the browser, show a refusal as a warning toast; for any other caller, raise it."""
    if not from_browser():
        raise err
    gr.Warning(err.message)


def keeps_screen(fn: Callable) -> Callable:
    """`fn` as an event handler whose refusals (gr.Error) leave the page as it was: in the browser the
    message becomes a warning toast and every output is skipped, where an error would turn each output
    into an "Error" pill and hide what the artist had. API callers still get the error."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error as err:
                _refuse_quietly(err)
                yield gr.skip()
        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error as err:
            _refuse_quietly(err)
            return gr.skip()
    return call
