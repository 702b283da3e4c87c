"""Input components whose checks speak the project's language, and image inputs that never decode.

Gradio's own gr.Image and gr.ImageEditor decode uploads with Pillow before a handler runs: a
decompression bomb would be inflated, and a non-image would fail with Gradio's "Could not preprocess
input component" instead of the project's sentence. These subclasses only pass file paths on (data
URLs and canvas blobs are written to a file as they are); the handlers open them through the door.
NumberInput and SliderInput answer an API caller's "abc" or 1e9 with a sentence naming the field.
"""
import base64
import binascii
import math
import uuid
from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData

MAX_INLINE_BYTES = 64 * 1024 * 1024


def _write_bytes(data: bytes, cache_dir: str) -> str:
    if len(data) > MAX_INLINE_BYTES:
        raise gr.Error(f"The image is over {MAX_INLINE_BYTES // 2**20} MB; upload a smaller file.")
    folder = Path(cache_dir) / "artstudio-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    path.write_bytes(data)
    return str(path)


def _data_url_bytes(url: str) -> bytes:
    try:
        return base64.b64decode(url.partition(",")[2], validate=False)
    except (binascii.Error, ValueError):
        raise gr.Error("The image sent as a data URL is not valid base64.")


def unopened_path(file: FileData | bytes | None, cache_dir: str) -> str | None:
    """The path of an uploaded file (or of bytes written to one), without reading it as an image."""
    if file is None:
        return None
    if isinstance(file, (bytes, bytearray, memoryview)):
        return _write_bytes(bytes(file), cache_dir)
    if file.url and file.url.startswith("data:"):
        return _write_bytes(_data_url_bytes(file.url), cache_dir)
    return file.path


class ImageUpload(gr.Image):
    """gr.Image whose handler receives the upload's file path, never a decoded image."""

    is_template = True     # Gradio draws it with its base class's front end (no __init__ of its own:
                           # Gradio builds the front end's config from the constructor's signature)

    def preprocess(self, payload: FileData | None) -> str | None:
        return unopened_path(payload, self.GRADIO_CACHE)


class ImageEditorUpload(gr.ImageEditor):
    """gr.ImageEditor whose handler receives {"background", "layers", "composite"} as file paths."""

    is_template = True     # Gradio draws it with its base class's front end

    def convert_and_format_image(self, file: FileData | bytes | None, flatten_on_white: bool = False) -> str | None:
        return unopened_path(file, self.GRADIO_CACHE)


def checked_number(payload, label: str | None) -> float | None:
    """A numeric payload, or a gr.Error that names the field. The range is the handler's to check (with
    tabs.common.number): a refusal there leaves the page as it was, one here would mark every output."""
    if payload is None:
        return None
    if isinstance(payload, bool) or not isinstance(payload, (int, float)) or not math.isfinite(payload):
        raise gr.Error(f"{label or 'This value'} must be a number, not {payload!r}.")
    return payload


class NumberInput(gr.Number):
    is_template = True     # Gradio draws it with its base class's front end

    def preprocess(self, payload):
        value = checked_number(payload, self.label)
        return None if value is None else gr.Number.round_to_precision(value, self.precision)


class SliderInput(gr.Slider):
    is_template = True     # Gradio draws it with its base class's front end

    def preprocess(self, payload):
        value = checked_number(payload, self.label)
        return None if value is None else gr.Number.round_to_precision(value, self.precision)
