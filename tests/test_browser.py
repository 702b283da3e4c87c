"""A real browser against the running app: upload, click, wait for the output, screenshot."""
import os

import pytest

from PIL import Image

from artstudio.testing.browser import (browser_page, chromium_available, download, open_tab, paint_stroke,
                                       running_app)
from conftest import FIXTURES, needs_weights, weights_installed

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_available() and not os.environ.get("CI"),
                                 reason="Debian's chromium is not installed (apt-get install chromium)")]


@needs_weights("movement_ensemble.pt")
def test_classify_in_browser(tmp_path):
    with running_app() as url, browser_page() as page:
        page.goto(url)
        page.get_by_role("tab", name="Classify").first.wait_for()
        page.locator("input[type=file]").first.set_input_files(str(FIXTURES / "hiroshige_prune-orchard-sun.jpg"))
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("Ukiyo-e").first.wait_for(timeout=60_000)
        if weights_installed("attribution_head.pt"):
            page.locator("#classify-about").get_by_text("Painted about").wait_for(timeout=30_000)
            page.get_by_text("Closest artists").first.wait_for()
            page.get_by_text("Top artist").click()
        page.screenshot(path=str(tmp_path / "classify.png"), full_page=True)
        assert (tmp_path / "classify.png").stat().st_size > 10_000


MAIN_ACTIONS = {"Classify": "Classify", "Generate": "Generate", "Style transfer": "Stylize", "Inpaint": "Fill",
                "Restore": "Restore", "Gallery": "Refresh"}


@pytest.mark.parametrize("width, height", [(1400, 1000), (390, 844)], ids=["desktop", "phone"])
def test_every_tab_opens_with_its_main_action_in_reach(tmp_path, width, height):
    """Every tab is in the tab row (on a phone too: it wraps, nothing hides in a menu), opens, and shows its
    main action within the page's width: no sideways scrolling."""
    with running_app() as url, browser_page(width=width, height=height) as page:
        page.goto(url)
        for tab, action in MAIN_ACTIONS.items():
            open_tab(page, tab)
            button = page.get_by_role("button", name=action, exact=True).first
            button.scroll_into_view_if_needed()
            button.wait_for(state="visible", timeout=10_000)
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (tab, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, tab
            page.screenshot(path=str(tmp_path / f"{tab}-{width}.png"))
        assert page.locator("text=Traceback").count() == 0


def test_inpaint_in_browser(tmp_path):
    """Paint a stroke in the editor, fill it with the classical method, download the result."""
    painting = FIXTURES / "caravaggio_tooth-puller-1609.jpg"
    with running_app() as url, browser_page() as page:
        page.goto(url)
        open_tab(page, "Inpaint")
        paint_stroke(page, painting)
        page.get_by_text("Classical (smooth harmonic fill)").click()
        page.get_by_role("button", name="Fill", exact=True).click()
        download(page.locator("#inpaint-result a[download]").first, tmp_path / "result.png")
        page.screenshot(path=str(tmp_path / "inpaint.png"))
    result, original = Image.open(tmp_path / "result.png").convert("RGB"), Image.open(painting).convert("RGB")
    assert result.size == original.size
    assert result.getpixel((3, 3)) == original.getpixel((3, 3))
    assert result.tobytes() != original.tobytes()


@needs_weights("restore_upscale_x4.pt")
@needs_weights("restore_blind.pt")
def test_restore_in_browser(tmp_path):
    """Upload a JPEG-damaged small copy, clean and enlarge x2, click the result for a 1:1 look, download
    the full-size PNG."""
    painting = tmp_path / "web-copy.jpg"
    Image.open(FIXTURES / "hiroshige_prune-orchard-sun.jpg").convert("RGB").resize((112, 112)).save(painting, quality=25)
    with running_app() as url, browser_page() as page:
        page.goto(url)
        open_tab(page, "Restore")
        page.locator("#restore-input input[type=file]").set_input_files(str(painting))
        page.get_by_text("Clean, then enlarge x2").click()
        page.get_by_role("button", name="Restore", exact=True).click()
        result = page.locator("#restore-result img").first
        result.wait_for(timeout=120_000)
        result.click(position={"x": 40, "y": 40})
        download(page.locator("a[download]").last, tmp_path / "restored.png")
        page.screenshot(path=str(tmp_path / "restore.png"), full_page=True)
        assert page.locator("text=Traceback").count() == 0
    width, height = Image.open(painting).size
    assert Image.open(tmp_path / "restored.png").size == (2 * width, 2 * height)


@needs_weights("painting_gan.pt")
@needs_weights("style_decoder.pt")
@needs_weights("restore_upscale_x4.pt")
@needs_weights("restore_blind.pt")
def test_send_a_painting_from_tab_to_tab(tmp_path):
    """Generate -> send to Style transfer -> stylize -> send to Restore -> restore: no download, no upload."""
    with running_app() as url, browser_page() as page:
        page.goto(url)
        generate_and_stylize(page)
        page.locator("#send-stylize-restore").click()
        page.locator("#restore-input img").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Restore", exact=True).click()
        page.locator("#restore-result img").first.wait_for(timeout=120_000)
        download(page.locator("a[download]").last, tmp_path / "chain.png")
        page.screenshot(path=str(tmp_path / "chain-screen.png"), full_page=True)
    recipe = Image.open(tmp_path / "chain.png").info["artstudio-recipe"]
    assert '"tab": "restore"' in recipe and Image.open(tmp_path / "chain.png").size == (1024, 1024)


def generate_and_stylize(page) -> None:
    """Generate a painting, send it to Style transfer and stylize it, waiting for each result."""
    open_tab(page, "Generate")
    page.get_by_role("button", name="Generate", exact=True).click()
    page.locator("#generate-painting img").first.wait_for(timeout=120_000)
    page.locator("#send-generate-stylize").click()
    page.locator("#stylize-content img").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Stylize", exact=True).click()
    page.locator("#stylize-result img").first.wait_for(timeout=120_000)


def gallery_captions(page) -> list[str]:
    """The Gallery tab's captions, newest first, as the page shows them now."""
    open_tab(page, "Gallery")
    page.wait_for_timeout(1500)
    return page.locator("#gallery-pictures .caption-label").all_inner_texts()


@needs_weights("painting_gan.pt")
@needs_weights("style_decoder.pt")
def test_gallery_keeps_a_chain_across_reload_and_restart_and_per_browser(tmp_path):
    """Generate -> Style transfer -> Inpaint lands three pictures in the gallery, with recipes; they survive
    a reload and an app restart; another browser sees none of them."""
    with browser_page() as page:
        with running_app() as url:
            page.goto(url)
            generate_and_stylize(page)
            page.locator("#send-stylize-inpaint").click()
            paint_stroke(page, None)
            page.get_by_text("Classical (smooth harmonic fill)").click()
            page.get_by_role("button", name="Fill", exact=True).click()
            page.locator("#inpaint-result a[download]").first.wait_for(timeout=120_000)
            captions = gallery_captions(page)
            assert [c.split(" ·")[0] for c in captions] == ["inpaint", "stylize", "generate"], captions
            page.locator("#gallery-pictures button[aria-label^='Thumbnail']").first.click()
            page.locator("#gallery-recipe").get_by_text("classical").first.wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)
            page.reload()
            assert gallery_captions(page) == captions
            stranger = page.context.browser.new_context().new_page()
            stranger.goto(url)
            assert gallery_captions(stranger) == []
        with running_app() as restarted:
            page.goto(restarted)
            assert gallery_captions(page) == captions


def error_pills(page) -> int:
    """Gradio marks each output of a failed event with an "Error" status; a refusal should mark none."""
    return page.get_by_text("Error", exact=True).count()


@needs_weights("painting_gan.pt")
def test_refusals_leave_the_generate_tab_as_it_was(tmp_path):
    """Variations before any painting, then a plain JPEG on the recipe box and seed -5 after one: each says
    why in a toast, and the painting, its downloads and the sliders stay on screen."""
    with running_app() as url, browser_page() as page:
        page.goto(url)
        open_tab(page, "Generate")
        page.get_by_role("button", name="Make variations").click()
        page.get_by_text("Generate a painting first.").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Generate", exact=True).click()
        painting = page.locator("#generate-painting img").first
        painting.wait_for(timeout=120_000)
        shown = painting.get_attribute("src")
        page.locator("input[type=file]").nth(1).set_input_files(str(FIXTURES / "hiroshige_prune-orchard-sun.jpg"))
        page.get_by_text("This image carries no ArtStudio painting recipe.").first.wait_for(timeout=30_000)
        assert error_pills(page) == 0
        assert painting.get_attribute("src") == shown
        seed = page.get_by_label("Seed", exact=True)
        seed.fill("-5")
        page.get_by_role("button", name="Generate", exact=True).click()
        page.get_by_text("Seed must be between 0 and 2147483647").first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
        assert error_pills(page) == 0 and painting.get_attribute("src") == shown
        assert page.locator("#generate-painting img").count() == 1


@needs_weights("style_decoder.pt")
def test_refine_shows_its_progress_and_cancel_keeps_the_preview(tmp_path):
    with running_app() as url, browser_page() as page:
        page.goto(url)
        open_tab(page, "Style transfer")
        page.locator("#stylize-content input[type=file]").set_input_files(str(FIXTURES / "caravaggio_tooth-puller-1609.jpg"))
        page.locator("#stylize-content img").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Refine (detailed)").click()
        status = page.locator("#stylize-refine-status")
        status.get_by_text("s left").wait_for(timeout=120_000)
        assert "Refining: step 10 of 40" in status.inner_text()
        page.get_by_role("button", name="Cancel refine").click()
        status.get_by_text("Cancelled after").wait_for(timeout=30_000)
        download(page.locator("a[download]").last, tmp_path / "cancelled.png")
        page.screenshot(path=str(tmp_path / "cancelled-screen.png"), full_page=True)
    recipe = Image.open(tmp_path / "cancelled.png").info["artstudio-recipe"]
    assert '"cancelled_at"' in recipe and '"mode": "detailed"' in recipe


@needs_weights("painting_gan.pt")
def test_send_to_on_a_phone_scrolls_to_the_input(tmp_path):
    with running_app() as url, browser_page(width=390, height=844) as page:
        page.goto(url)
        open_tab(page, "Generate")
        page.get_by_role("button", name="Generate", exact=True).click()
        page.locator("#generate-painting img").first.wait_for(timeout=120_000)
        page.locator("#send-generate-inpaint").scroll_into_view_if_needed()
        page.locator("#send-generate-inpaint").click()
        editor = page.locator("#inpaint-editor")
        editor.locator("canvas").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "phone-send.png"))
        box, viewport = editor.bounding_box(), page.viewport_size
        assert box["y"] < viewport["height"] and box["y"] + box["height"] > 0, box
