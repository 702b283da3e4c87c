"""The one door every uploaded image passes through (UI, API and CLI alike), before anything decodes it.

It reads the header first and refuses non-images, decompression bombs (over 80 megapixels), images
under 32 px and extreme strips (over 16:1) without decoding a pixel; large JPEGs are decoded at a
reduced scale. It then applies EXIF orientation, converts palette, grey, 16-bit, CMYK and alpha images
to RGB (or RGBA where a tab wants alpha), refuses truncated files, and scales very large images down
with a note the caller can show. The UI's image inputs hand over the file unopened
(artstudio/tabs/inputs.py), so Gradio's own decoder never sees an upload first.
"""
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

MIN_SIDE = 32
MAX_ASPECT = 16                   # longer strips than this are refused: no tab can use them
MAX_PIXELS = 4096 * 4096          # larger images are scaled down to this many pixels
BOMB_PIXELS = 80_000_000          # beyond this the file is refused unread (Pillow's own limit is ~89 MP)


class ImageError(ValueError):
    """An upload cannot be used; the message is written for the user."""


@dataclass
class LoadedImage:
    image: Image.Image
    name: str
    notes: list[str] = field(default_factory=list)


def _to_8bit(img: Image.Image) -> Image.Image:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v * (1 / 256)).convert("L")
    if img.mode == "F":
        return img.point(lambda v: v * 255).convert("L")
    return img


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)


def check_size(width: int, height: int, name: str, min_side: int = MIN_SIDE) -> None:
    """Refuse sizes no tab can use, from the header alone."""
    if width * height > BOMB_PIXELS:
        raise ImageError(f"{name}: the image is {width}x{height} px, too large to open safely "
                         f"(over {BOMB_PIXELS // 1_000_000} megapixels).")
    if min(width, height) < min_side:
        raise ImageError(f"{name}: the image is {width}x{height} px; it must be at least {min_side} px on each side.")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(f"{name}: the image is {width}x{height} px, more than {MAX_ASPECT} times as long as it "
                         f"is wide; crop it to a less extreme shape.")


def _decode(source: str | Path | bytes, name: str, max_pixels: int, min_side: int) -> Image.Image:
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(data)
            check_size(*img.size, name, min_side)
            if img.format == "JPEG" and img.width * img.height > max_pixels:
                scale = (max_pixels / (img.width * img.height)) ** 0.5
                img.draft("RGB", (int(img.width * scale) + 1, int(img.height * scale) + 1))
            img.load()
        return img
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{name}: the image is too large to open safely (over {BOMB_PIXELS // 1_000_000} megapixels).")
    except (FileNotFoundError, IsADirectoryError):
        raise ImageError(f"{name}: file not found.")
    except Image.UnidentifiedImageError:
        raise ImageError(f"{name}: this is not an image file ArtStudio can read (use PNG, JPEG, WebP, TIFF, BMP or GIF).")
    except (OSError, SyntaxError, ValueError):
        raise ImageError(f"{name}: the image file is damaged or truncated and cannot be read.")


def open_image(source: str | Path | bytes | Image.Image, *, keep_alpha: bool = False, max_pixels: int = MAX_PIXELS,
               min_side: int = MIN_SIDE) -> LoadedImage:
    """Read an upload (a path, bytes, or an image a UI component already decoded) into an 8-bit RGB
    (or RGBA with keep_alpha) PIL image, or raise ImageError."""
    if isinstance(source, Image.Image):
        name, img = "upload", source
    else:
        name = "upload" if isinstance(source, bytes) else Path(source).name
        img = _decode(source, name, max_pixels, min_side)
    notes = []
    try:
        img = ImageOps.exif_transpose(img) or img
    except (OSError, ValueError, TypeError, KeyError):
        notes.append(f"{name}: its EXIF orientation tag is damaged and was ignored.")
    check_size(*img.size, name, min_side)
    alpha = keep_alpha and _has_alpha(img)
    img = _to_8bit(img)
    if img.mode == "CMYK":
        img = img.convert("RGB")
    img = img.convert("RGBA" if alpha else "RGB")
    if img.width * img.height > max_pixels:
        scale = (max_pixels / (img.width * img.height)) ** 0.5
        size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
        notes.append(f"{name} was {img.width}x{img.height} px; scaled down to {size[0]}x{size[1]} px.")
        img = img.resize(size, Image.LANCZOS)
    return LoadedImage(img, name, notes)


def flatten_alpha(img: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """Composite an RGBA image on a plain background (paper white by default)."""
    if img.mode != "RGBA":
        return img.convert("RGB")
    base = Image.new("RGB", img.size, background)
    base.paste(img, mask=img.getchannel("A"))
    return base
