"""The CLI contract: JSON lines on stdout, one-line errors on stderr, exit codes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from artstudio.recipe import read_recipe
from conftest import FIXTURES, needs_weights

ROOT = Path(__file__).resolve().parent.parent
UKIYO_E = FIXTURES / "hiroshige_prune-orchard-sun.jpg"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "artstudio", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, **(env or {})))


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@needs_weights("movement_ensemble.pt")
def test_classify_json_and_bad_item(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a picture")
    result = cli("classify", UKIYO_E, bad, FIXTURES / "caravaggio_tooth-puller-1609.jpg", "--top", "3", "--json")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: bad.jpg")
    items = json_lines(result.stdout)
    assert [item["path"] for item in items] == [str(UKIYO_E), str(FIXTURES / "caravaggio_tooth-puller-1609.jpg")]
    first = items[0]
    assert {"path", "top", "ms"} <= set(first) and len(first["top"]) == 3 and first["ms"] > 0
    assert first["top"][0]["label"] == "Ukiyo_e" and set(first["top"][0]) == {"label", "prob"}


@needs_weights("movement_ensemble.pt")
@needs_weights("attribution_head.pt")
def test_classify_json_names_artists_and_a_year():
    (item,) = json_lines(cli("classify", FIXTURES / "alfred-sisley_by-the-loing-1885.jpg", "--json").stdout)
    assert set(item) == {"path", "top", "ms", "artists", "artist_known", "year"}
    assert len(item["artists"]) >= 5 and all(set(a) == {"label", "prob"} for a in item["artists"])
    probs = [a["prob"] for a in item["artists"]]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
    assert all(a["label"] == a["label"].lower() and " " not in a["label"] for a in item["artists"])
    assert isinstance(item["artist_known"], bool)
    year = item["year"]
    assert all(isinstance(year[k], int) for k in ("estimate", "low", "high"))
    assert 1550 <= year["low"] <= year["estimate"] <= year["high"] <= 2030


@needs_weights("movement_ensemble.pt")
def test_classify_success_exit_zero():
    result = cli("classify", UKIYO_E)
    assert result.returncode == 0 and "Ukiyo_e" in result.stdout


def test_missing_weights_exit_two(tmp_path):
    result = cli("classify", UKIYO_E, env={"ARTSTUDIO_WEIGHTS": str(tmp_path)})
    assert result.returncode == 2 and "Model not installed" in result.stderr
    assert "Traceback" not in result.stderr


@needs_weights("style_decoder.pt")
def test_stylize_json(tmp_path):
    result = cli("stylize", UKIYO_E, "--style", "van-gogh", "--size", "200", "--strength", "0.8",
                 "--out", tmp_path / "out", "--json")
    assert result.returncode == 0, result.stderr
    (item,) = json_lines(result.stdout)
    assert set(item) == {"path", "content", "ms"} and item["content"] == str(UKIYO_E)
    out = Image.open(item["path"])
    assert max(out.size) == 200 and read_recipe(item["path"])["params"]["strength"] == 0.8


def test_stylize_unknown_style(tmp_path):
    result = cli("stylize", UKIYO_E, "--style", "nobody", "--out", tmp_path)
    assert result.returncode != 0 and "preset" in result.stderr


@needs_weights("inpaint_unet.pt")
def test_inpaint_json_and_missing_mask(tmp_path):
    masks = tmp_path / "masks"
    masks.mkdir()
    image = Image.open(UKIYO_E)
    mask = Image.new("L", (100, 100), 0)
    ImageDraw.Draw(mask).rectangle((30, 30, 60, 60), fill=255)
    mask.save(masks / f"{UKIYO_E.stem}.png")
    other = tmp_path / "other.png"
    image.save(other)
    result = cli("inpaint", UKIYO_E, other, "--masks", masks, "--out", tmp_path / "out", "--method", "network", "--json")
    assert result.returncode == 1 and "no mask found" in result.stderr
    (item,) = json_lines(result.stdout)
    assert set(item) == {"path", "ms"} and Image.open(item["path"]).size == image.size
    assert "resized" in result.stderr


@needs_weights("painting_gan.pt")
def test_generate_json_and_determinism(tmp_path):
    result = cli("generate", "--seed", "5", "--count", "2", "--out", tmp_path / "a", "--json")
    assert result.returncode == 0, result.stderr
    items = json_lines(result.stdout)
    assert [i["seed"] for i in items] == [5, 6] and all(set(i) == {"path", "seed", "ms"} for i in items)
    again = json_lines(cli("generate", "--seed", "5", "--out", tmp_path / "b", "--json").stdout)[0]
    assert Image.open(again["path"]).tobytes() == Image.open(items[0]["path"]).tobytes()


@pytest.mark.parametrize("direction", ["nonsense", "=3", "brightness=lots"])
def test_generate_bad_direction(tmp_path, direction):
    result = cli("generate", "--direction", direction, "--out", tmp_path)
    assert result.returncode != 0 and "error" in result.stderr and "Traceback" not in result.stderr


def test_installed_package_finds_its_weights(tmp_path):
    """pip install puts the weights under <prefix>/share/artstudio/weights; a checkout uses its own weights/."""
    import tomllib

    from artstudio.weights import MANIFEST, default_weights_dir
    installed = tmp_path / "prefix" / "share" / "artstudio" / "weights"
    installed.mkdir(parents=True)
    (installed / MANIFEST).write_text("{}")
    assert default_weights_dir(tmp_path / "site-packages", tmp_path / "prefix") == installed
    checkout = tmp_path / "checkout"
    (checkout / "weights").mkdir(parents=True)
    (checkout / "weights" / MANIFEST).write_text("{}")
    assert default_weights_dir(checkout, tmp_path / "prefix") == checkout / "weights"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["artstudio"] == "artstudio.cli:main"
    assert "share/artstudio/weights" in project["tool"]["setuptools"]["data-files"]
