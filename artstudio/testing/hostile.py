"""Hostile and awkward files, built in code (no committed binaries), for the API tests and the memory bench.

`image_cases` and `zip_cases` write each file into a folder and return {case name: path}.
"""
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 24000) -> bytes:
    """A real 1-bit PNG of side x side black pixels: under a megabyte, 576 megapixels decoded."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def jpeg_bomb(side: int = 60000) -> bytes:
    """A small JPEG whose frame header claims side x side pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 80, 40)).save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def _save(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **kwargs)
    return buffer.getvalue()


def _scene(size: tuple[int, int] = (160, 120)) -> Image.Image:
    img = Image.new("RGB", size, (90, 140, 210))
    ImageDraw.Draw(img).ellipse([20, 20, 80, 80], fill=(240, 200, 60))
    return img


def _bad_exif_jpeg() -> bytes:
    """A JPEG whose EXIF block promises an entry it does not hold."""
    return _save(_scene(), format="JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12")


def image_cases(folder: Path) -> dict[str, Path]:
    """Every awkward single-file upload, as {name: path}. Those in REFUSED must be refused with a sentence."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    scene = _scene()
    palette = scene.convert("P")
    palette.info["transparency"] = 0
    transparent = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
    frames = [_scene().rotate(a) for a in (0, 30, 60)]
    files = {
        "not_an_image.png": b"this is a text file, not a picture\n",
        "empty.png": b"",
        "truncated.png": _save(_scene((400, 300)), format="PNG")[:600],
        "random_bytes.jpg": bytes(rng.getrandbits(8) for _ in range(4096)),
        "bomb.png": png_bomb(),
        "bomb.jpg": jpeg_bomb(),
        "one_pixel.png": _save(Image.new("RGB", (1, 1), (255, 0, 0)), format="PNG"),
        "strip_wide.png": _save(Image.new("RGB", (20000, 40), (200, 100, 50)), format="PNG"),
        "strip_tall.png": _save(Image.new("RGB", (40, 4000), (50, 100, 200)), format="PNG"),
        "sixteen_bit.png": _save(scene.convert("L").point(lambda v: v * 256).convert("I;16"), format="PNG"),
        "cmyk.jpg": _save(scene.convert("CMYK"), format="JPEG"),
        "palette_transparency.png": _save(palette, format="PNG"),
        "fully_transparent.png": _save(transparent, format="PNG"),
        "animated.gif": _save(frames[0], format="GIF", save_all=True, append_images=frames[1:], duration=100),
        "multipage.tiff": _save(frames[0], format="TIFF", save_all=True, append_images=frames[1:]),
        "bad_exif.jpg": _bad_exif_jpeg(),
        "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle r="40"/></svg>',
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


# what each refused case must say (the project's own sentence); the other cases must simply work
REFUSED = {
    "not_an_image.png": "not an image", "empty.png": "not an image", "truncated.png": "damaged or truncated",
    "random_bytes.jpg": "not an image", "bomb.png": "too large to open safely", "bomb.jpg": "too large to open safely",
    "one_pixel.png": "at least 32 px", "strip_wide.png": "16 times as long", "strip_tall.png": "16 times as long",
    "drawing.svg": "not an image",
}


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def zip_cases(folder: Path) -> dict[str, Path]:
    """Awkward archives, as {name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    good = _save(_scene(), format="PNG")
    files = {
        "zip_bomb.zip": _zip({"good.png": good, "bomb.bmp": b"\x00" * (100 * 2**20)}),
        "many_members.zip": _zip({f"img{i}.txt": b"x" for i in range(1200)}, zipfile.ZIP_STORED),
        "encrypted.zip": _encrypted_zip(good),
        "corrupt.zip": _zip({"good.png": good, "other.png": good})[:-40],
        "mixed.zip": _zip({"good.png": good, "notes.txt": b"hello", "nested/bomb.png": png_bomb(12000)}),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def _encrypted_zip(good: bytes) -> bytes:
    """Two entries: a good image, then one flagged encrypted (zipfile cannot write real encryption;
    the flag is what readers go by)."""
    data = bytearray(_zip({"good.png": good, "secret.png": good}))
    second_local = data.index(b"PK\x03\x04", 4)
    second_central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[second_local + 6] |= 0x1
    data[second_central + 8] |= 0x1
    return bytes(data)
