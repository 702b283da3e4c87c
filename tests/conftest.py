"""Shared fixtures. Outputs go to a temporary folder; images are drawn here or read from fixtures/."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("ARTSTUDIO_OUTPUT", tempfile.mkdtemp(prefix="artstudio-test-out-"))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ARTSTUDIO_THREADS", "2")
os.environ.setdefault("ARTSTUDIO_HOME", tempfile.mkdtemp(prefix="artstudio-test-home-"))

import pytest
from PIL import Image, ImageDraw

from artstudio.weights import read_manifest

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


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """A miniature copy of the ../shared/data layout with drawn images, for training smoke runs."""
    from artstudio.classes import MOVEMENTS
    root = tmp_path_factory.mktemp("data")
    for i in range(6):
        for folder, size in (("photos", (200, 150)), ("impressionism-128", (128, 128))):
            (root / folder).mkdir(exist_ok=True)
            draw_scene(size, seed=i).save(root / folder / f"img-{i}.jpg")
        for movement in MOVEMENTS[:2]:
            (root / "wikiart-styles" / movement).mkdir(parents=True, exist_ok=True)
            draw_scene((224, 224), seed=i + 7).save(root / "wikiart-styles" / movement / f"artist_{i}.jpg")
    return root


def run_training(script: str, data: Path, tmp_path: Path, *extra: str) -> Path:
    """Run a training script (its module, e.g. training.train_gan) for two steps on `data`; returns the
    weights folder it wrote."""
    import subprocess
    import sys
    weights_dir = tmp_path / "weights"
    env = dict(os.environ, ARTSTUDIO_DATA=str(data))
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-m", script, "--steps", "2", "--threads", "2",
                             "--run-dir", str(tmp_path / "run"), "--weights-dir", str(weights_dir), *extra],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return weights_dir


def check_warm_start_reexport(script: str, weights_name: str, data: Path, tmp_path: Path, *extra: str) -> None:
    """Train two steps, warm-start a second run from that file with its export overwriting it, then re-export:
    the recipe must still name the first file (by sha256) in a single leg, and count the steps of both runs."""
    from artstudio.weights import read_manifest, sha256_of
    first = run_training(script, data, tmp_path / "first", *extra) / weights_name
    first_sha = sha256_of(first)
    for _ in range(2):      # the second pass resumes at the last step: it only exports again
        run_training(script, data, tmp_path / "second", *extra, "--init", str(first), "--weights-dir", str(first.parent))
    entry = read_manifest(first.parent)[weights_name]
    assert sha256_of(first) != first_sha
    assert f"sha256 {first_sha[:12]}" in entry["recipe"] and entry["recipe"].count("from step") == 1, entry["recipe"]
    assert entry["metrics"]["train_steps"] == 4 and entry["metrics"]["warm_start_steps"] == 2


@pytest.fixture(scope="session")
def client():
    """The app launched in-process on a free port, with a gradio_client talking to it over HTTP."""
    from gradio_client import Client

    from artstudio.models import registry
    from artstudio.server import allowed_paths
    from artstudio.ui import build_app
    from artstudio.testing.browser import free_port
    registry.clear()
    app = build_app()
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, show_error=True,
               allowed_paths=allowed_paths())
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    app.close()
