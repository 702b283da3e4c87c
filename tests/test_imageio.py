"""The image door: every kind of awkward upload is converted or refused with a clear message."""
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from artstudio.imageio import ImageError, flatten_alpha, open_image


def save(img: Image.Image, path: Path, **kwargs) -> Path:
    img.save(path, **kwargs)
    return path


def test_rgb_passes_unchanged(scene, tmp_path):
    loaded = open_image(save(scene, tmp_path / "a.png"))
    assert loaded.image.mode == "RGB" and loaded.image.size == scene.size and loaded.notes == []
    assert loaded.image.tobytes() == scene.tobytes()


@pytest.mark.parametrize("mode", ["P", "L", "LA", "CMYK", "I;16", "1"])
def test_modes_become_rgb(scene, tmp_path, mode):
    img = scene.convert(mode) if mode != "I;16" else scene.convert("L").point(lambda v: v * 256).convert("I;16")
    suffix = ".jpg" if mode == "CMYK" else (".tif" if mode == "I;16" else ".png")
    loaded = open_image(save(img, tmp_path / f"x{suffix}"))
    assert loaded.image.mode == "RGB" and loaded.image.size == scene.size


def test_sixteen_bit_keeps_brightness(tmp_path):
    img = Image.new("I;16", (64, 64), 40000)
    loaded = open_image(save(img, tmp_path / "deep.tif"))
    assert abs(loaded.image.getpixel((5, 5))[0] - 40000 / 256) <= 1


def test_alpha_kept_only_when_asked(scene, tmp_path):
    rgba = scene.convert("RGBA")
    rgba.putalpha(128)
    path = save(rgba, tmp_path / "a.png")
    assert open_image(path).image.mode == "RGB"
    kept = open_image(path, keep_alpha=True).image
    assert kept.mode == "RGBA" and kept.getpixel((0, 0))[3] == 128
    assert flatten_alpha(kept).mode == "RGB"


def test_exif_orientation_applied(tmp_path):
    img = Image.new("RGB", (80, 40), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    path = save(img, tmp_path / "rot.jpg", exif=exif)
    assert open_image(path).image.size == (40, 80)


def test_not_an_image_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not an image")
    with pytest.raises(ImageError, match="not an image"):
        open_image(path)


def test_truncated_refused(scene, tmp_path):
    data = io.BytesIO()
    scene.save(data, format="JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    with pytest.raises(ImageError, match="damaged or truncated"):
        open_image(path)


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_decompression_bomb_refused(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(50000, 50000))
    with pytest.raises(ImageError, match="too large"):
        open_image(path)


def test_tiny_refused(tmp_path):
    with pytest.raises(ImageError, match="at least 32 px"):
        open_image(save(Image.new("RGB", (20, 100)), tmp_path / "tiny.png"))


def test_large_scaled_down_with_note(scene, tmp_path):
    loaded = open_image(save(scene, tmp_path / "big.png"), max_pixels=100 * 100)
    assert loaded.image.width * loaded.image.height <= 100 * 100
    assert loaded.notes and "scaled down" in loaded.notes[0]


def test_bytes_accepted(scene):
    data = io.BytesIO()
    scene.save(data, format="PNG")
    assert open_image(data.getvalue()).image.size == scene.size
