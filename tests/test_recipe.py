from PIL import Image

from artstudio import __version__
from artstudio.recipe import make_recipe, read_recipe, save_png


def test_recipe_round_trip(tmp_path, scene):
    recipe = make_recipe("stylize", "model-x", "abc123", {"strength": 0.5, "styles": [{"style": "a", "weight": 1.0}]})
    path = save_png(scene, tmp_path / "out.png", recipe)
    back = read_recipe(path)
    assert back == recipe and back["app_version"] == __version__
    assert Image.open(path).tobytes() == scene.tobytes()


def test_plain_image_has_no_recipe(tmp_path, scene):
    scene.save(tmp_path / "plain.png")
    assert read_recipe(tmp_path / "plain.png") is None
    assert read_recipe(tmp_path / "missing.png") is None
