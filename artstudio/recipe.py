"""Recipes: every output PNG carries how it was made in a text chunk, so dropping it back restores it.

A recipe in a dropped file is untrusted input: `check_params` validates each field against what the
tab accepts, keeps the good ones and names the rest, so a malformed recipe restores nothing wrong.
"""
import base64
import binascii
import io
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin

from artstudio import __version__

CHUNK = "artstudio-recipe"
MASK_CHUNK = "artstudio-mask"      # an Inpaint result's mask, as a base64 1-bit PNG
MAX_MASK_TEXT = 900_000            # Pillow refuses text chunks over 1 MB; bigger masks are not stored


def make_recipe(tab: str, model: str, weights_sha256: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"tab": tab, "model": model, "weights_sha256": weights_sha256, "params": params,
            "app_version": __version__, "made": time.strftime("%Y-%m-%dT%H:%M:%S")}


def save_png(image: Image.Image, path: Path, recipe: dict[str, Any], mask: Image.Image | None = None) -> Path:
    """Write `image` as PNG with the recipe as JSON in a text chunk (plus a readable summary), and an
    Inpaint mask where given (and small enough), so reopening the file restores the mask too."""
    info = PngImagePlugin.PngInfo()
    info.add_text(CHUNK, json.dumps(recipe, sort_keys=True))
    info.add_text("Software", f"ArtStudio {__version__}")
    if mask is not None:
        packed = io.BytesIO()
        mask.convert("1").save(packed, format="PNG", optimize=True)
        text = base64.b64encode(packed.getvalue()).decode()
        if len(text) <= MAX_MASK_TEXT:
            info.add_text(MASK_CHUNK, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    image.save(tmp, format="PNG", pnginfo=info, compress_level=1)  # 5x faster than the default, files ~1.3x larger
    tmp.replace(path)
    return path


def read_mask(path: str | Path) -> Image.Image | None:
    """The mask stored in an Inpaint result (mode "L", the picture's size), or None when there is none or
    it does not check out (not a PNG, another size than the picture)."""
    try:
        with Image.open(path) as img:
            size, text = img.size, img.info.get(MASK_CHUNK)
        if not isinstance(text, str) or len(text) > MAX_MASK_TEXT:
            return None
        with Image.open(io.BytesIO(base64.b64decode(text, validate=True))) as packed:
            if packed.format != "PNG" or packed.size != size:
                return None
            return packed.convert("L")
    except (OSError, ValueError, binascii.Error, Image.DecompressionBombError):
        return None


def read_recipe(source: str | Path | Image.Image) -> dict[str, Any] | None:
    """The recipe stored in an ArtStudio PNG, or None for any other image (or an unreadable recipe).
    Reads the text chunk from the header: the pixels are not decoded."""
    try:
        if isinstance(source, Image.Image):
            text = source.info.get(CHUNK)
        else:
            with Image.open(source) as img:
                text = img.info.get(CHUNK)
        recipe = json.loads(text) if isinstance(text, str) else None
    except (OSError, ValueError, RecursionError, Image.DecompressionBombError):
        return None
    return recipe if isinstance(recipe, dict) else None


Check = Callable[[Any], Any]      # returns the cleaned value or raises ValueError with the reason


def finite(low: float, high: float) -> Check:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError("not a finite number")
        if not low <= value <= high:
            raise ValueError(f"outside {low:g} to {high:g}")
        return float(value)
    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("not a whole number")
        if not low <= value <= high:
            raise ValueError(f"outside {low} to {high}")
        return value
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


def one_of(options) -> Check:
    def check(value: Any) -> Any:
        if isinstance(value, (dict, list)) or value not in options:
            raise ValueError("not one of the choices here")
        return value
    return check


def vector(length: int, check_item: Check) -> Check:
    def check(value: Any) -> list:
        if not isinstance(value, list) or len(value) != length:
            raise ValueError(f"not a list of {length} numbers")
        return [check_item(v) for v in value]
    return check


def mapping(keys, check_value: Check) -> Check:
    """A dict whose keys are among `keys`; values checked one by one."""
    def check(value: Any) -> dict:
        if not isinstance(value, dict):
            raise ValueError("not a set of named values")
        unknown = set(value) - set(keys)
        if unknown:
            raise ValueError(f"unknown name(s) {', '.join(sorted(map(str, unknown)))}")
        return {k: check_value(v) for k, v in value.items()}
    return check


def records(max_items: int, fields: dict[str, Check]) -> Check:
    """A list of at most `max_items` dicts, each with exactly the fields given."""
    def check(value: Any) -> list[dict]:
        if not isinstance(value, list) or len(value) > max_items or not all(isinstance(v, dict) for v in value):
            raise ValueError(f"not a list of at most {max_items} entries")
        return [{k: fields[k](item.get(k)) for k in fields} for item in value]
    return check


@dataclass
class CheckedRecipe:
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def note(self) -> str:
        return "Could not restore " + "; ".join(self.problems) + "." if self.problems else ""


def check_params(recipe: dict[str, Any] | None, tab: str, fields: dict[str, Check]) -> CheckedRecipe | None:
    """The fields of a `tab` recipe that pass their checks; None when it is no recipe of that tab."""
    if not recipe or recipe.get("tab") != tab:
        return None
    params = recipe.get("params")
    checked = CheckedRecipe()
    if not isinstance(params, dict):
        checked.problems.append("its settings (not a set of named values)")
        return checked
    for name, check in fields.items():
        if name not in params:
            continue
        try:
            checked.params[name] = check(params[name])
        except (ValueError, TypeError, KeyError) as err:
            checked.problems.append(f"{name} ({err})")
    return checked
