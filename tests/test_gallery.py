"""The gallery: per-owner history that survives restarts, bounded disk, the history API, and reopening any
ArtStudio PNG (CLI-made or UI-made) in the tab that made it."""
import math
import time
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

from artstudio.gallery import INDEX, Gallery
from artstudio.recipe import make_recipe, read_mask, save_png
from conftest import FIXTURES, draw_scene, needs_weights

UKIYO_E = str(FIXTURES / "hiroshige_prune-orchard-sun.jpg")


def result_png(folder: Path, name: str, tab: str = "restore", params: dict | None = None, size=(64, 48)) -> Path:
    return save_png(draw_scene(size), folder / name, make_recipe(tab, "test", "", params or {"scale": 2}))


def test_items_newest_first_per_owner_and_kept_across_instances(tmp_path):
    root = tmp_path / "gallery"
    gallery = Gallery(root)
    for i in range(3):
        gallery.add("alice", result_png(tmp_path, f"a{i}.png"), "restore")
        time.sleep(0.01)
    gallery.add("bob", result_png(tmp_path, "b.png", "stylize"), "stylize")
    reopened = Gallery(root)                # an app restart: a new store over the same folder
    alice = reopened.items("alice")
    assert [i.tab for i in alice] == ["restore"] * 3 and alice[0].created >= alice[-1].created
    assert [i.tab for i in reopened.items("bob")] == ["stylize"]
    assert reopened.items("carol") == []
    assert alice[0].recipe["tab"] == "restore" and "restore" in alice[0].summary()
    assert not list(root.rglob("*.tmp"))    # the index is written through a temporary file, then renamed


def test_delete_and_clear_touch_only_their_owner(tmp_path):
    gallery = Gallery(tmp_path / "gallery")
    first, _ = gallery.add("alice", result_png(tmp_path, "a.png"), "restore")
    gallery.add("alice", result_png(tmp_path, "b.png"), "restore")
    gallery.add("bob", result_png(tmp_path, "c.png"), "restore")
    assert not gallery.delete("bob", first.id)              # bob cannot delete alice's picture
    assert gallery.delete("alice", first.id)
    assert not (gallery.folder("alice") / first.file).exists()
    assert gallery.clear("alice") == 1 and gallery.items("alice") == []
    assert len(gallery.items("bob")) == 1


def test_cap_removes_the_oldest_first_whoever_owns_them(tmp_path):
    picture = result_png(tmp_path, "p.png", size=(200, 200))
    size = picture.stat().st_size
    gallery = Gallery(tmp_path / "gallery", max_bytes=int(size * 3.5))
    ids = []
    for owner in ("alice", "bob", "alice", "bob"):
        item, evicted = gallery.add(owner, picture, "restore")
        ids.append(item.id)
        time.sleep(0.01)
    assert evicted == 1
    remaining = {i.id for owner in ("alice", "bob") for i in gallery.items(owner)}
    assert remaining == set(ids[1:])


def test_damaged_index_reads_as_empty(tmp_path):
    gallery = Gallery(tmp_path / "gallery")
    gallery.add("alice", result_png(tmp_path, "a.png"), "restore")
    (gallery.folder("alice") / INDEX).write_text("{not json")
    assert gallery.items("alice") == []
    gallery.add("alice", result_png(tmp_path, "b.png"), "restore")
    assert len(gallery.items("alice")) == 1


def test_inpaint_mask_travels_in_the_png(tmp_path):
    mask = Image.new("L", (64, 48), 0)
    ImageDraw.Draw(mask).rectangle((10, 10, 30, 30), fill=255)
    path = save_png(draw_scene((64, 48)), tmp_path / "filled.png", make_recipe("inpaint", "t", "", {}), mask=mask)
    assert list(read_mask(path).getdata()) == list(mask.getdata())
    assert read_mask(result_png(tmp_path, "plain.png")) is None


def test_restore_png_from_the_cli_reopens_in_the_tab(tmp_path):
    from artstudio.tabs import restore
    made = result_png(tmp_path, "r.png", "restore", {"task": "upscale", "strength": 0.0, "scale": 4,
                                                        "upscaler": "fast", "input_size": [16, 12]})
    path, task, strength, upscaler = restore.reopen(str(made))
    assert (path, task, upscaler) == (str(made), "Enlarge x4", "Fast (trained here)")


def test_malformed_restore_recipe_restores_nothing_wrong(tmp_path):
    from artstudio.tabs import restore
    made = result_png(tmp_path, "r.png", "restore", {"strength": math.nan, "scale": "huge", "upscaler": {"x": 1}})
    with pytest.warns(UserWarning, match="scale .*strength .*upscaler"):
        path, task, strength, upscaler = restore.reopen(str(made))
    assert task == "Clean, then enlarge x2" and upscaler == "Fast (trained here)"


def test_other_tabs_pictures_are_skipped_by_each_reopen(tmp_path):
    from artstudio.tabs import inpaint, restore, stylize
    made = result_png(tmp_path, "s.png", "generate", {"seed": 3})
    for reopen in (inpaint.reopen, restore.reopen, stylize.reopen):
        assert all(isinstance(v, type(restore.gr.skip())) for v in reopen(str(made)))


def test_a_picture_without_recipe_names_the_problem(tmp_path):
    import gradio as gr

    from artstudio.tabs import gallery
    plain = tmp_path / "plain.png"
    draw_scene((64, 48)).save(plain)
    with pytest.raises(gr.Error, match="no ArtStudio recipe"):
        gallery.open_picture(str(plain))


@needs_weights("style_decoder.pt")
def test_cli_stylize_png_reopens_with_its_style(tmp_path):
    from artstudio import presets
    from artstudio.cli import main
    from artstudio.tabs import stylize
    main(["stylize", UKIYO_E, "--style", "munch", "--size", "200", "--strength", "0.6", "--preserve-color",
          "--mode", "detailed", "--steps", "10", "--out", str(tmp_path)])
    made = next(tmp_path.glob("*.png"))
    content, *styles, strength, preserve, size, steps = stylize.reopen(str(made))
    assert content == str(made)
    assert styles == [presets.caption("munch_the-scream-1893.jpg"), stylize.NO_STYLE, stylize.NO_STYLE, 1.0, 1.0, 1.0]
    assert (strength, preserve, size, steps) == (0.6, True, 200, 10)       # 200 px: a CLI size the menu lacks


@needs_weights("restore_blind.pt")
def test_cli_restore_png_reopens_with_every_field(tmp_path):
    from artstudio.cli import main
    from artstudio.tabs import restore
    image = tmp_path / "small.png"
    draw_scene((48, 40)).save(image)
    assert main(["restore", str(image), "--task", "auto", "--scale", "2", "--strength", "0.5",
                 "--out", str(tmp_path / "out")]) == 0
    made = tmp_path / "out" / "small.png"
    assert restore.reopen(str(made)) == (str(made), "Clean, then enlarge x2", 0.5, "Fast (trained here)")


@needs_weights("painting_gan.pt")
def test_cli_generate_png_reopens_with_every_field(tmp_path):
    from artstudio.cli import main
    from artstudio.tabs import generate
    name = generate.direction_names()[0]
    assert main(["generate", "--seed", "7", "--truncation", "0.8", "--direction", f"{name}=1.5",
                 "--out", str(tmp_path)]) == 0
    made = tmp_path / "seed7.png"
    seed, truncation, *rest = generate.reopen(str(made))
    sliders = rest[:len(generate.direction_names())]
    assert (seed, truncation) == (7, 0.8) and sliders[0] == 1.5 and set(sliders[1:]) <= {0.0}


def test_history_lists_a_clients_results_and_not_anothers(client, tmp_path):
    client, other = Client(client.src, verbose=False), Client(client.src, verbose=False)   # fresh sessions
    mask = Image.new("L", (224, 224), 0)
    ImageDraw.Draw(mask).rectangle((60, 60, 100, 100), fill=255)
    mask.save(tmp_path / "mask.png")
    editor = {"background": handle_file(UKIYO_E), "layers": [], "composite": None}
    for _ in range(2):
        client.predict(editor, handle_file(str(tmp_path / "mask.png")), "Classical (smooth harmonic fill)",
                       api_name="/inpaint")
    mine, theirs = client.predict(api_name="/history"), other.predict(api_name="/history")
    assert len(mine) == 2 and theirs == []
    assert [m["tab"] for m in mine] == ["inpaint", "inpaint"] and mine[0]["created"] >= mine[1]["created"]
    assert mine[0]["recipe"]["params"]["method"] == "classical"
    with pytest.raises(Exception, match="No picture"):
        other.predict(mine[0]["id"], api_name="/history_delete")
    left = client.predict(mine[0]["id"], api_name="/history_delete")
    assert [m["id"] for m in left] == [mine[1]["id"]]


def test_cli_inpaint_png_reopens_with_its_method_and_mask(tmp_path):
    from artstudio.cli import main
    from artstudio.tabs import inpaint
    masks = tmp_path / "masks"
    masks.mkdir()
    image = tmp_path / "scene.png"
    draw_scene((160, 120)).save(image)
    mask = Image.new("L", (160, 120), 0)
    ImageDraw.Draw(mask).rectangle((40, 30, 90, 70), fill=255)
    mask.save(masks / "scene.png")
    assert main(["inpaint", str(image), "--masks", str(masks), "--method", "classical", "--out", str(tmp_path / "out")]) == 0
    made = next((tmp_path / "out").glob("*.png"))
    editor, mask_file, method = inpaint.reopen(str(made))
    assert method == "Classical (smooth harmonic fill)" and editor["background"].size == (160, 120)
    assert list(Image.open(mask_file).convert("L").getdata()) == list(mask.getdata())


def test_owner_is_the_signed_in_user_else_the_browser_key_else_the_session():
    from types import SimpleNamespace

    from artstudio.tabs.gallery import OWNER_COOKIE, owner_of
    key = "0123456789abcdef0123456789abcdef"
    assert owner_of(SimpleNamespace(username="alice", cookies={OWNER_COOKIE: key}, session_hash="s1")) == "user:alice"
    assert owner_of(SimpleNamespace(username=None, cookies={OWNER_COOKIE: key}, session_hash="s1")) == f"browser:{key}"
    forged = SimpleNamespace(username=None, cookies={OWNER_COOKIE: "../../etc"}, session_hash="s1")
    assert owner_of(forged) == "session:s1"
