"""Hostile and careless input through the live HTTP API: every case ends in the project's own sentence or a
correct result, and the server answers a valid request right after."""
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image, ImageDraw

from artstudio import presets
from conftest import FIXTURES, needs_weights
from artstudio.testing.hostile import REFUSED, image_cases, zip_cases

UKIYO_E = str(FIXTURES / "hiroshige_prune-orchard-sun.jpg")
STARRY = presets.caption("van-gogh_starry-night-1889.jpg")
CLASSICAL = "Classical (smooth harmonic fill)"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    mask = Image.new("L", (160, 120), 0)
    ImageDraw.Draw(mask).rectangle((40, 40, 90, 80), fill=255)
    mask.save(folder / "mask.png")
    return {**image_cases(folder), **zip_cases(folder), "mask": folder / "mask.png"}


def stylize_args(content, **overrides):
    args = dict(content=content, style_1=STARRY, upload_1=None, weight_1=1.0, style_2="None", upload_2=None,
                weight_2=1.0, style_3="None", upload_3=None, weight_3=1.0, strength=0.7, preserve=False, size=256,
                region=None)
    args.update(overrides)
    return list(args.values())


def call_classify(client, path, corpus):
    return client.predict(handle_file(str(path)), 3, 0.5, api_name="/classify")


def call_stylize(client, path, corpus):
    return client.predict(*stylize_args(handle_file(str(path))), api_name="/stylize")


def call_inpaint(client, path, corpus):
    editor = {"background": handle_file(str(path)), "layers": [], "composite": None}
    return client.predict(editor, handle_file(str(corpus["mask"])), CLASSICAL, api_name="/inpaint")


IMAGE_ENDPOINTS = {"classify": call_classify, "stylize": call_stylize, "inpaint": call_inpaint}
IMAGE_CASES = sorted(REFUSED) + [
    "sixteen_bit.png", "cmyk.jpg", "palette_transparency.png", "fully_transparent.png", "animated.gif",
    "multipage.tiff", "bad_exif.jpg"]


def assert_still_serving(client):
    heat = client.predict(handle_file(UKIYO_E), 3, 0.5, api_name="/classify")[3]
    assert Image.open(heat).size == (224, 224)


@needs_weights("movement_ensemble.pt")
@needs_weights("style_decoder.pt")
@pytest.mark.parametrize("endpoint", sorted(IMAGE_ENDPOINTS))
@pytest.mark.parametrize("case", IMAGE_CASES)
def test_image_case(client, corpus, endpoint, case):
    call = IMAGE_ENDPOINTS[endpoint]
    if case in REFUSED:
        with pytest.raises(AppError, match=REFUSED[case]):
            call(client, corpus[case], corpus)
    else:
        outputs = call(client, corpus[case], corpus)
        assert outputs and all(o is not None for o in outputs[:1])


@needs_weights("movement_ensemble.pt")
def test_server_answers_after_hostile_files(client, corpus):
    for case in REFUSED:
        with pytest.raises(AppError):
            call_classify(client, corpus[case], corpus)
    assert_still_serving(client)


ZIP_ROWS = {
    "zip_bomb.zip": [("good.png", None), ("bomb.bmp", "at most 64 MB")],
    "many_members.zip": [("many_members.zip", "at most 1000 per zip")],
    "encrypted.zip": [("good.png", None), ("secret.png", "encrypted")],
    "corrupt.zip": [("corrupt.zip", "damaged")],
    "mixed.zip": [("good.png", None), ("notes.txt", "not an image"), ("nested/bomb.png", "too large")],
}


@needs_weights("movement_ensemble.pt")
@pytest.mark.parametrize("case", sorted(ZIP_ROWS))
def test_zip_case_costs_one_row(client, corpus, case):
    table, _ = client.predict([handle_file(str(corpus[case])), handle_file(UKIYO_E)], api_name="/classify_batch")
    rows = table["data"]
    expected = ZIP_ROWS[case] + [("hiroshige_prune-orchard-sun.jpg", None)]
    assert [row[0] for row in rows] == [name for name, _ in expected]
    for row, (_, error) in zip(rows, expected):
        if error is None:
            assert row[1] and not row[-1]
        else:
            assert row[1] == "" and error in row[-1]


BAD_PARAMETERS = [
    ("/classify", lambda: [handle_file(UKIYO_E), "abc", 0.5], "Movements to show must be a number"),
    ("/classify", lambda: [handle_file(UKIYO_E), 99, 0.5], "Movements to show must be between 1 and 11"),
    ("/classify", lambda: [handle_file(UKIYO_E), 3, "high"], "opacity must be a number"),
    ("/generate", lambda: [-5, 0.7] + [0.0] * 8, "Seed must be between 0 and 2147483647"),
    ("/generate", lambda: [1, "x"] + [0.0] * 8, "Truncation .* must be a number"),
    ("/edit", lambda: [1, 0.7, "abc"], "Sliders must be a JSON object"),
    ("/edit", lambda: [1, 0.7, {"brightness": "abc"}], "Brightness must be a number"),
    ("/edit", lambda: [1, 0.7, {"brightness": 1e9}], "Brightness must be between"),
    ("/edit", lambda: [1, 0.7, {"no such slider": 1}], "Unknown direction"),
    ("/blend", lambda: [1, 2, 0.7, 1000], "Frames must be between 3 and 32"),
    ("/stylize", lambda: stylize_args(handle_file(UKIYO_E), strength=7), "Strength.* must be between 0 and 1"),
    ("/stylize", lambda: stylize_args(handle_file(UKIYO_E), size=2000), "Output long side must be between 64 and 1024"),
    ("/stylize", lambda: stylize_args(handle_file(UKIYO_E), style_1="Rembrandt"), "not in the list of choices"),
    ("/stylize", lambda: stylize_args(None), "Please upload a content picture"),
    ("/stylize_detailed", lambda: stylize_args(handle_file(UKIYO_E))[:-1] + [0, None], "Refine steps must be between 10 and 200"),
    ("/inpaint", lambda: [{"background": handle_file(UKIYO_E), "layers": [], "composite": None}, None, "magic"],
     "not in the list of choices"),
    ("/inpaint", lambda: [None, None, CLASSICAL], "upload an image into the editor"),
    ("/custom_classify", lambda: [handle_file(UKIYO_E), "no such set"], "no such set|not in the list"),
]


@needs_weights("movement_ensemble.pt")
@needs_weights("painting_gan.pt")
@needs_weights("style_decoder.pt")
@pytest.mark.parametrize("api_name,make_args,message", BAD_PARAMETERS,
                         ids=[f"{a}-{i}" for i, (a, _, _) in enumerate(BAD_PARAMETERS)])
def test_bad_parameter_is_a_sentence(client, api_name, make_args, message):
    with pytest.raises(AppError, match=message) as caught:
        client.predict(*make_args(), api_name=api_name)
    text = str(caught.value)
    assert "Traceback" not in text and "Could not preprocess" not in text and text.strip()


@needs_weights("painting_gan.pt")
def test_variations_before_any_painting_is_a_sentence(client):
    from gradio_client import Client
    fresh = Client(client.src, verbose=False)          # a new session: no painting generated yet
    with pytest.raises(AppError, match="Generate a painting first"):
        fresh.predict(0.5, *[0.0] * 8, api_name="/variations")


@pytest.mark.parametrize("caller,refused_quietly", [("app", True), ("api", False), (None, False)])
def test_a_refusal_keeps_the_page_only_for_the_page(caller, refused_quietly):
    """In the browser a gr.Error becomes a warning and every output is skipped (nothing turns into an
    "Error" pill); gradio_client and other callers still get the error."""
    import gradio as gr
    from gradio.context import LocalContext

    from artstudio.tabs.common import keeps_screen

    def handler(value):
        raise gr.Error(f"{value} is not allowed")

    def streaming(value):
        yield "first"
        raise gr.Error(f"{value} is not allowed")

    class Request:
        headers = {"x-gradio-user": caller} if caller else {}

    token = LocalContext.request.set(Request())
    try:
        for fn, run in ((keeps_screen(handler), lambda f: f("seed -5")),
                        (keeps_screen(streaming), lambda f: list(f("seed -5")))):
            if refused_quietly:
                with pytest.warns(UserWarning, match="seed -5 is not allowed"):
                    result = run(fn)
                skipped = result[-1] if isinstance(result, list) else result
                assert skipped == gr.skip()
            else:
                with pytest.raises(gr.Error, match="seed -5 is not allowed"):
                    run(fn)
    finally:
        LocalContext.request.reset(token)
