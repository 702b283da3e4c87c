"""The artist's own labels: fitted on embeddings, stored, renamed, exported, imported, validated."""
import random

import pytest
import torch
from PIL import Image, ImageDraw

from artstudio.models import registry
from artstudio.models.classifier import EMBEDDING_DIM
from artstudio.models.custom_labels import LabelSetError, LabelStore, fit_label_set
from conftest import needs_weights

pytestmark = needs_weights("movement_ensemble.pt")


def stripes(seed: int) -> Image.Image:
    rng = random.Random(seed)
    img = Image.new("RGB", (160, 160))
    draw = ImageDraw.Draw(img)
    for y in range(0, 160, rng.randint(8, 20)):
        draw.rectangle([0, y, 160, y + 6], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    return img


def dots(seed: int) -> Image.Image:
    rng = random.Random(seed)
    img = Image.new("RGB", (160, 160), (245, 240, 230))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(10, 30)):
        x, y, r = rng.randint(0, 160), rng.randint(0, 160), rng.randint(3, 12)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    return img


@pytest.fixture(scope="module")
def classifier():
    return registry.get("classifier")


@pytest.fixture(scope="module")
def label_set(classifier):
    return fit_label_set("Shapes", {"stripes": classifier.embed([stripes(i) for i in range(4)]),
                                    "dots": classifier.embed([dots(i) for i in range(4)])})


def test_separates_two_kinds(classifier, label_set):
    for i in range(100, 104):
        assert classifier.top_custom(label_set, stripes(i), 1)[0][0] == "stripes"
        assert classifier.top_custom(label_set, dots(i), 1)[0][0] == "dots"


def test_too_few_examples_and_labels(classifier):
    embeds = classifier.embed([stripes(i) for i in range(3)])
    with pytest.raises(LabelSetError, match="at least 3 example images; too few for: dots"):
        fit_label_set("x", {"stripes": embeds, "dots": embeds[:2]})
    with pytest.raises(LabelSetError, match="at least 2 different labels"):
        fit_label_set("x", {"stripes": embeds})


def test_store_round_trip(tmp_path, label_set):
    store = LabelStore(tmp_path)
    store.save(label_set)
    assert store.names() == ["Shapes"]
    loaded = store.load("Shapes", EMBEDDING_DIM)
    assert loaded.labels == label_set.labels and torch.equal(loaded.weight, label_set.weight)
    store.rename("Shapes", "../Shapes 2", EMBEDDING_DIM)
    assert store.names() == ["../Shapes 2"] and all(p.parent == tmp_path for p in tmp_path.iterdir())
    exported = store.export_path("../Shapes 2")
    other = LabelStore(tmp_path / "other")
    assert other.import_file(exported, EMBEDDING_DIM).name == "../Shapes 2"
    store.delete("../Shapes 2")
    assert store.names() == []


def test_corrupt_file_refused(tmp_path, label_set):
    store = LabelStore(tmp_path)
    path = store.save(label_set)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(LabelSetError, match="damaged"):
        store.load("Shapes", EMBEDDING_DIM)
    foreign = tmp_path / "foreign.labels"
    torch.save({"format": "something else"}, foreign)
    with pytest.raises(LabelSetError, match="not an ArtStudio label set"):
        store.import_file(foreign, EMBEDDING_DIM)
    wrong = label_set.to_dict() | {"weight": torch.zeros(2, 7)}
    torch.save(wrong, foreign)
    with pytest.raises(LabelSetError, match="damaged or was made for another model"):
        store.import_file(foreign, EMBEDDING_DIM)
