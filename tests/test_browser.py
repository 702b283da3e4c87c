"""A real browser against the running app: upload, click, wait for the output, screenshot."""
import os

import pytest

from browser import browser_page, chromium_available, running_app
from conftest import FIXTURES, needs_weights

pytestmark = pytest.mark.skipif(not chromium_available() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (apt-get install chromium)")


@needs_weights("movement_classifier.pt")
def test_classify_in_browser(tmp_path):
    with running_app() as url, browser_page() as page:
        page.goto(url)
        page.get_by_role("tab", name="Classify").first.wait_for()
        page.locator("input[type=file]").first.set_input_files(str(FIXTURES / "hiroshige_prune-orchard-sun.jpg"))
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("Ukiyo-e").first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "classify.png"), full_page=True)
        assert (tmp_path / "classify.png").stat().st_size > 10_000


def test_every_tab_opens(tmp_path):
    with running_app() as url, browser_page() as page:
        page.goto(url)
        for tab in ("Generate", "Style transfer", "Inpaint", "Classify"):
            page.get_by_role("tab", name=tab).first.click()
            page.wait_for_timeout(300)
        assert page.locator("text=Traceback").count() == 0
        page.screenshot(path=str(tmp_path / "tabs.png"))
