"""The app launched in-process, every endpoint called through gradio_client as a script would."""
import re
from pathlib import Path

import pytest
from gradio_client import handle_file
from PIL import Image, ImageDraw

from conftest import FIXTURES, needs_weights, weights_installed

UKIYO_E = str(FIXTURES / "hiroshige_prune-orchard-sun.jpg")


def test_endpoints_listed(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/classify", "/classify_batch", "/generate", "/edit", "/variations", "/blend", "/stylize",
            "/stylize_detailed", "/inpaint"} <= names


def test_every_parameter_is_named(client):
    """Gradio names a parameter param_N when the handler hides it behind *args: none may be."""
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    unnamed = {name: [p["parameter_name"] for p in info["parameters"] if re.fullmatch(r"param_\d+", p["parameter_name"])]
               for name, info in endpoints.items()}
    assert not any(unnamed.values()), unnamed


@needs_weights("movement_ensemble.pt")
def test_classify(client):
    labels, artists, about, heat = client.predict(handle_file(UKIYO_E), 5, 0.5, api_name="/classify")
    assert labels["label"] == "Ukiyo-e" and len(labels["confidences"]) == 5
    assert Image.open(heat).size == (224, 224)
    if weights_installed("attribution_head.pt"):
        assert len(artists["confidences"]) == 5 and "Painted about" in about


@needs_weights("movement_ensemble.pt")
def test_classify_batch(client, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("no")
    table, csv_path = client.predict([handle_file(UKIYO_E), handle_file(str(bad))], api_name="/classify_batch")
    rows = table["data"]
    assert rows[0][1] == "Ukiyo-e" and "not an image" in rows[1][-1] and rows[1][2] is None
    assert open(csv_path).read().startswith("file,top movement") and Path(csv_path).name.startswith("movements-")


@needs_weights("style_decoder.pt")
def test_stylize(client):
    from artstudio import presets
    starry = presets.caption("van-gogh_starry-night-1889.jpg")
    result, compare, download = client.predict(
        handle_file(UKIYO_E), starry, None, 1.0, "None", None, 1.0, "None", None, 1.0, 0.7, False, 256, None,
        api_name="/stylize")
    assert max(Image.open(result).size) == 256
    assert Image.open(download).text["artstudio-recipe"]


@needs_weights("inpaint_unet.pt")
def test_inpaint(client, tmp_path):
    mask = Image.new("L", (224, 224), 0)
    ImageDraw.Draw(mask).rectangle((50, 50, 120, 120), fill=255)
    mask.save(tmp_path / "mask.png")
    editor = {"background": handle_file(UKIYO_E), "layers": [], "composite": None}
    compare, result, mask_file = client.predict(editor, handle_file(str(tmp_path / "mask.png")),
                                                "Network (trained U-Net)", api_name="/inpaint")
    original, filled = Image.open(UKIYO_E).convert("RGB"), Image.open(result).convert("RGB")
    assert filled.size == original.size and filled.getpixel((5, 5)) == original.getpixel((5, 5))


def test_inpaint_without_mask_is_a_clear_error(client):
    editor = {"background": handle_file(UKIYO_E), "layers": [], "composite": None}
    with pytest.raises(Exception, match="Paint over the part"):
        client.predict(editor, None, "Classical (smooth harmonic fill)", api_name="/inpaint")


@needs_weights("painting_gan.pt")
def test_generate_edit_blend(client):
    painting, files = client.predict(3, 0.7, *[0.0] * 8, api_name="/generate")
    assert Image.open(painting).size == (512, 512) and len(files) == 2
    edited, *_ = client.predict(3, 0.7, {}, api_name="/edit")
    assert Image.open(edited).tobytes() == Image.open(painting).tobytes()
    strip, gif = client.predict(1, 2, 0.7, 5, api_name="/blend")
    assert Image.open(strip).size == (5 * 128, 128) and Image.open(gif).n_frames == 8


@needs_weights("painting_gan.pt")
@needs_weights("style_decoder.pt")
@needs_weights("restore_upscale_x4.pt")
def test_readme_chain_with_named_parameters(client):
    """The README's example: generate -> stylize -> restore by parameter name, then the caller's history."""
    painting, files = client.predict(seed=7, truncation=0.7, brightness=1.5, warmth=-0.5, api_name="/generate")
    styled, compare, png = client.predict(content=handle_file(painting),
                                          style_1="Vincent van Gogh, The Starry Night (1889)", strength=0.8,
                                          size=512, api_name="/stylize")
    result, compare, zoom, restored = client.predict(picture=handle_file(png), task="Enlarge x4", api_name="/restore")
    assert Image.open(restored).size == tuple(4 * side for side in Image.open(png).size)
    recipe = Image.open(restored).info["artstudio-recipe"]
    assert '"tab": "restore"' in recipe and '"scale": 4' in recipe
    tabs = [item["tab"] for item in client.predict(api_name="/history")]
    assert tabs[:3] == ["restore", "stylize", "generate"]
