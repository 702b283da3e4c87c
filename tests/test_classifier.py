"""The movement classifier on real public-domain paintings it never trained on (tests/fixtures)."""
import pytest
from PIL import Image

from artstudio.classes import MOVEMENTS
from artstudio.models import registry
from conftest import FIXTURES, draw_scene, needs_weights

pytestmark = needs_weights("movement_ensemble.pt")


@pytest.fixture(scope="module")
def classifier():
    return registry.get("classifier")


def painting(name: str) -> Image.Image:
    return Image.open(FIXTURES / name).convert("RGB")


@pytest.mark.parametrize("file", ["hiroshige_prune-orchard-sun.jpg", "hiroshige_evening-view-of-a-temple-in-the-hills.jpg"])
def test_ukiyo_e_prints_recognised(classifier, file):
    assert classifier.top(painting(file), 1)[0][0] == "Ukiyo_e"


@pytest.mark.parametrize("file,movement", [("caravaggio_tooth-puller-1609.jpg", "Baroque"),
                                           ("georges-seurat_port-en-bessin-the-semaphore-and-cliffs-1888.jpg", "Pointillism"),
                                           ("alfred-sisley_by-the-loing-1885.jpg", "Impressionism"),
                                           ("francois-boucher_madame-de-pompadour-1758.jpg", "Rococo")])
def test_plausible_movements(classifier, file, movement):
    assert movement in [label for label, _ in classifier.top(painting(file), 3)]


def test_probabilities_sum_to_one(classifier):
    probs = classifier.probabilities([painting("hiroshige_prune-orchard-sun.jpg"), draw_scene()])
    assert probs.shape == (2, len(MOVEMENTS))
    assert probs.sum(1).sub(1).abs().max() < 1e-5 and (probs >= 0).all()


def test_heatmap_has_image_size(classifier):
    image = draw_scene((300, 170))
    heat = classifier.heatmap(image)
    assert heat.size == image.size and heat.mode == "L" and heat.getextrema()[1] >= 240


def test_non_square_and_small_images(classifier):
    top = classifier.top(draw_scene((640, 64)), 5)
    assert len(top) == 5 and all(label in MOVEMENTS for label, _ in top)
