import math

import pytest
from PIL import Image

from artstudio import __version__
from artstudio.recipe import (boolean, check_params, finite, integer, make_recipe, mapping, read_recipe, save_png,
                              vector)


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


def png_with_text(path, text: str, scene) -> None:
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("artstudio-recipe", text)
    scene.save(path, pnginfo=info)


def test_recipe_is_read_without_decoding_pixels(tmp_path, scene):
    path = tmp_path / "cut.png"
    png_with_text(path, '{"tab": "generate", "params": {}}', scene)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])          # the pixel data is cut short; the header chunk is whole
    assert read_recipe(path) == {"tab": "generate", "params": {}}


@pytest.mark.parametrize("text", ['[1, 2, 3]', '"just a string"', "not json", "[" * 100_000 + "]" * 100_000])
def test_unreadable_recipe_is_none(tmp_path, scene, text):
    png_with_text(tmp_path / "r.png", text, scene)
    assert read_recipe(tmp_path / "r.png") is None


FIELDS = {"seed": integer(0, 100), "strength": finite(0, 1), "w": vector(3, finite(-5, 5)),
          "sliders": mapping(["brightness"], finite(-3, 3)), "keep": boolean}


@pytest.mark.parametrize("params,kept,problem", [
    ({"seed": 4, "strength": 0.5}, {"seed": 4, "strength": 0.5}, None),
    ({"seed": "4"}, {}, "seed"),
    ({"seed": True}, {}, "seed"),
    ({"strength": math.nan}, {}, "strength"),
    ({"strength": 7}, {}, "strength"),
    ({"w": [1, 2]}, {}, "w (not a list of 3 numbers)"),
    ({"w": [1, 2, math.inf]}, {}, "w"),
    ({"sliders": {"brightness": 1, "evil": 2}}, {}, "unknown name"),
    ({"sliders": [1, 2]}, {}, "sliders"),
    ({"keep": "yes"}, {}, "keep"),
    ({}, {}, None),
])
def test_check_params_keeps_only_valid_fields(params, kept, problem):
    checked = check_params({"tab": "generate", "params": params}, "generate", FIELDS)
    assert checked.params == kept
    assert (problem is None) == (not checked.problems)
    if problem:
        assert problem in checked.note()


def test_check_params_refuses_other_tabs_and_shapes():
    assert check_params({"tab": "stylize", "params": {}}, "generate", FIELDS) is None
    assert check_params(None, "generate", FIELDS) is None
    assert "settings" in check_params({"tab": "generate", "params": [1]}, "generate", FIELDS).note()
