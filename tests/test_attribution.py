"""Artist and year: names read from file names, the year head's quantiles, the training smoke run."""
import pytest
import torch

from artstudio.classes import artist_name
from artstudio.nets.attribution_head import AttributionHead
from conftest import draw_scene, needs_weights, run_training
from training.paintings import artist_of, list_paintings, year_of


@pytest.mark.parametrize("name,year", [
    ("claude-monet_water-lilies-1919.jpg", 1919),
    ("alfred-sisley_the-seine-at-bougival-1876-1.jpg", 1876),           # a copy counter after the year
    ("rembrandt_the-raising-of-lazarus-1630(2).jpg", 1630),
    ("nutzi-acontz_unknown-title(3).jpg", None),
    ("claude-monet_water-lilies-33.jpg", None),                          # a number that is not a year
    ("claude-monet_not_detected_212135.jpg", None),
    ("pablo-picasso_guitar-on-pedestal-1920-1.jpg", 1920),
    ("piet-mondrian_composition-no-10-1915.jpg", 1915),                 # several numbers: the last one
    ("someone_the-year-1000.jpg", None),                                 # out of the plausible range
])
def test_year_from_file_name(name, year):
    assert year_of(name) == year


def test_artist_from_file_name():
    assert artist_of("pierre-auguste-renoir_the-swing-1876.jpg") == "pierre-auguste-renoir"
    assert artist_of("claude-monet_not_detected_212135.jpg") == "claude-monet"
    assert artist_name("vincent-van-gogh") == "Vincent van Gogh"
    assert artist_name("pierre-auguste-renoir") == "Pierre Auguste Renoir"


def test_a_painting_in_both_pools_counts_once(tmp_path):
    for folder in ("wikiart-styles/Impressionism", "impressionism-128"):
        (tmp_path / folder).mkdir(parents=True)
        draw_scene((64, 64)).save(tmp_path / folder / "claude-monet_haystacks-1891.jpg")
    (painting,) = list_paintings(tmp_path)
    assert (painting.artist, painting.year, painting.movement) == ("claude-monet", 1891, "Impressionism")


def test_year_quantiles_follow_the_distribution():
    head = AttributionHead(4, 2, first_year=1800, bin_years=10, year_bins=10)
    one_bin = torch.full((1, 10), -30.0)
    one_bin[0, 3] = 30.0                                             # all mass in 1830-1840
    median, low, high = head.year_quantiles(one_bin)[0].tolist()
    assert 1830 <= low < median < high <= 1840 and abs(median - 1835) < 0.5
    flat = head.year_quantiles(torch.zeros(1, 10))[0].tolist()
    assert flat == pytest.approx([1850, 1810, 1890])


@needs_weights("movement_ensemble.pt")
@pytest.mark.training
def test_training_smoke(tmp_path):
    """Two steps on a made-up pool of three artists with dated names, then the export and its figures."""
    from artstudio.weights import read_manifest
    data = tmp_path / "data"
    for movement, artist, years in (("Impressionism", "claude-monet", (1870, 1880, 1890, 1900)),
                                    ("Baroque", "rembrandt", (1630, 1640, 1650, 1660)),
                                    ("Cubism", "pablo-picasso", (1910, 1912, 1920, 1930))):
        folder = data / "wikiart-styles" / movement
        folder.mkdir(parents=True)
        for i, year in enumerate(years * 5):
            draw_scene((96, 96), seed=i + year).save(folder / f"{artist}_picture-{i}-{year}.jpg")
    (data / "impressionism-128").mkdir()
    weights = run_training("training.train_attribution", data, tmp_path, "--limit", "60")
    entry = read_manifest(weights)["attribution_head.pt"]
    assert entry["metrics"]["artists"] == 3 and "report_year_mae" in entry["metrics"]
    payload = torch.load(weights / "attribution_head.pt", weights_only=True)
    assert payload["artists"] == ["claude-monet", "pablo-picasso", "rembrandt"] and len(payload["artist_lines"]) == 3
