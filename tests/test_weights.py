"""The weights registry: sha256-checked loading, clear messages, and an app that starts regardless."""
import shutil

import pytest

from artstudio import weights
from artstudio.models import registry

VGG = "vgg16_hed_conv4_2.pt"


@pytest.fixture
def weights_copy(tmp_path, monkeypatch):
    """A private copy of weights/ the test may damage; the registry forgets loaded models around it."""
    folder = tmp_path / "weights"
    shutil.copytree(weights.WEIGHTS_DIR, folder)
    monkeypatch.setattr(weights, "WEIGHTS_DIR", folder)
    registry.clear()
    yield folder
    registry.clear()


def test_every_manifest_entry_matches_its_file():
    manifest = weights.read_manifest()
    assert VGG in manifest
    for file, entry in manifest.items():
        path = weights.WEIGHTS_DIR / file
        assert entry["file"] == file and path.stat().st_size == entry["bytes"]
        assert weights.sha256_of(path) == entry["sha256"]
        assert entry["licence"] and entry["source"] and entry["recipe"]


def test_loads_when_intact(weights_copy):
    state = weights.load_weights(VGG)
    assert "convs.conv1_1.weight" in state


def test_corrupt_file_gives_clear_message(weights_copy):
    path = weights_copy / VGG
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(weights.WeightsError, match=rf"weights/{VGG} is damaged.*git checkout"):
        weights.load_weights(VGG)


def test_missing_file_gives_clear_message(weights_copy):
    (weights_copy / VGG).unlink()
    with pytest.raises(weights.WeightsError, match=rf"Model not installed: weights/{VGG} is missing"):
        weights.load_weights(VGG)


def test_app_starts_with_a_damaged_model_and_says_so(weights_copy):
    (weights_copy / VGG).write_bytes(b"broken")
    from artstudio.ui import build_app
    app = build_app()
    markdown = [block.value for block in app.blocks.values() if block.__class__.__name__ == "Markdown"]
    assert any(text and "damaged" in text and VGG in text for text in markdown)
    assert registry.availability("stylizer") is not None


def test_missing_model_named_in_its_tab(weights_copy):
    (weights_copy / "vgg16_hed_conv4_2.pt").unlink()
    message = registry.availability("stylizer")
    assert message.startswith("Model not installed: weights/vgg16_hed_conv4_2.pt is missing")


def test_every_model_implements_the_one_interface():
    from artstudio.models import registry
    from artstudio.models.base import StudioModel
    for name in registry.MODELS:
        model = registry.model_class(name)
        assert issubclass(model, StudioModel) and model.name and model.files, name
    with pytest.raises(TypeError, match="must name itself"):
        type("Nameless", (StudioModel,), {"files": ("x.pt",)})
