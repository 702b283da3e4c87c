"""Helpers every tab handler uses: the image door with UI-friendly errors, model access, notes."""
from pathlib import Path

import gradio as gr
from artstudio.imageio import ImageError, LoadedImage, open_image
from artstudio.models import registry
from artstudio.weights import WeightsError


def load_upload(path: str | Path | None, what: str = "an image", keep_alpha: bool = False) -> LoadedImage:
    if not path:
        raise gr.Error(f"Please upload {what} first.")
    try:
        return open_image(path, keep_alpha=keep_alpha)
    except ImageError as err:
        raise gr.Error(str(err))


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

