"""One spec per task (artstudio/specs.py): the CLI's options, the tabs' checks and the recipe checks all
come from it, so a value means the same everywhere."""
import argparse

import gradio as gr
import pytest

from artstudio.cli import build_parser, main
from artstudio.recipe import check_params
from artstudio.specs import RESTORE, SPECS, STYLIZE
from conftest import draw_scene, needs_weights


def subcommand(parser: argparse.ArgumentParser, *path: str) -> argparse.ArgumentParser:
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("path", [(name,) for name in SPECS] + [("batch", name) for name in SPECS if name != "generate"])
def test_cli_options_are_the_specs(path):
    options = {a.dest: a for a in subcommand(build_parser(), *path)._actions}
    for param in SPECS[path[-1]].params:
        if param.flag:
            option = options[param.name]
            assert param.flag in option.option_strings and option.default == param.default
            assert list(option.choices or ()) == list(param.choices)


@pytest.mark.parametrize("argv, message", [
    (["restore", "x.png", "--task", "denoise", "--strength", "1.5", "--out", "o"], "--strength must be between 0 and 1"),
    (["stylize", "x.png", "--style", "munch", "--size", "2000", "--out", "o"], "--size must be between 64 and 1024"),
    (["stylize", "x.png", "--style", "munch", "--steps", "5", "--out", "o"], "--steps must be between 10 and 200"),
    (["generate", "--truncation", "2", "--out", "o"], "--truncation must be between 0 and 1"),
])
def test_cli_refuses_what_the_spec_refuses(argv, message, capsys):
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_the_tab_refuses_with_the_specs_words():
    from artstudio.tabs import restore
    with pytest.raises(gr.Error, match="Cleaning strength must be between 0 and 1; got 1.5"):
        restore.job_for("Clean, then enlarge x2", 1.5, "Fast (trained here)")


def test_recipe_checks_use_the_specs_ranges():
    recipe = {"tab": "stylize", "params": {"size": 2000, "steps": 40, "preserve_color": "yes", "strength": 0.5}}
    checked = check_params(recipe, "stylize", STYLIZE.recipe_fields())
    assert checked.params == {"steps": 40, "strength": 0.5}
    assert [p.split(" ")[0] for p in checked.problems] == ["size", "preserve_color"]


@pytest.mark.parametrize("value, expected", [("0.25", 0.25), (1, 1.0)])
def test_a_number_may_arrive_as_text_from_the_ui(value, expected):
    assert RESTORE["strength"].check(value) == expected
    with pytest.raises(ValueError, match="whole number"):
        STYLIZE["size"].check(512.5)


@needs_weights("restore_blind.pt")
@needs_weights("restore_upscale_x4.pt")
@pytest.mark.parametrize("task", ["Clean (noise and JPEG blocks)", "Enlarge x2", "Clean, then enlarge x2"])
def test_a_tab_recipe_redone_on_the_cli_gives_the_same_picture(tmp_path, task):
    """The tab's recipe, turned into CLI options by the spec, reproduces the tab's picture pixel for pixel."""
    from PIL import Image

    from artstudio.recipe import read_recipe
    from artstudio.tabs import restore
    source = tmp_path / "scene.png"
    draw_scene((56, 48)).save(source)
    *_, made = list(restore.restore(str(source), task, 0.6, "Fast (trained here)"))[-1]
    params = read_recipe(made)["params"]
    assert main(["restore", str(source), *RESTORE.cli_arguments(params), "--out", str(tmp_path / "cli")]) == 0
    redone = Image.open(tmp_path / "cli" / "scene.png")
    assert read_recipe(redone)["params"] == params and redone.tobytes() == Image.open(made).tobytes()
