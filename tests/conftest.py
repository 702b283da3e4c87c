"""Shared fixtures. Outputs go to a temporary folder; images are drawn here or read from fixtures/."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("ARTSTUDIO_OUTPUT", tempfile.mkdtemp(prefix="artstudio-test-out-"))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ARTSTUDIO_THREADS", "2")

import pytest  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from artstudio.weights import read_manifest  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def weights_installed(file: str) -> bool:
    return file in read_manifest()


def needs_weights(file: str):
    """Tests of a trained model run only once its weights are in weights/ (CI always has them)."""
    return pytest.mark.skipif(not weights_installed(file), reason=f"weights/{file} not trained yet")


def draw_scene(size: tuple[int, int] = (320, 240), seed: int = 0) -> Image.Image:
    """A small made-up picture: sky gradient, ground, sun and a few shapes."""
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / h
        colour = (int(90 + 120 * t), int(150 + 60 * t), 235) if y < h * 0.6 else (60, int(140 - 40 * t), 50)
        draw.line([(0, y), (w, y)], fill=colour)
    draw.ellipse([w * 0.7, h * 0.1, w * 0.85, h * 0.3], fill=(250, 220, 90))
    for i in range(4):
        x = (seed * 37 + i * w // 4) % w
        draw.rectangle([x, h * 0.45, x + w // 10, h * 0.62], fill=(150 + 20 * i, 80, 60))
    return img


@pytest.fixture
def scene() -> Image.Image:
    return draw_scene()


@pytest.fixture
def scene_file(tmp_path: Path, scene: Image.Image) -> Path:
    path = tmp_path / "scene.png"
    scene.save(path)
    return path
