"""Drive every tab of the running app in Debian's Chromium and save the README screenshots.

    python -m bench.screenshots          # writes docs/screenshots/{classify,generate,stylize,inpaint,restore,gallery}.png

Uses only the shipped fixtures and presets as inputs; each step waits for the real output.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from artstudio.testing.browser import browser_page, open_tab, paint_stroke, running_app

FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "docs" / "screenshots"


def wait_until_loaded(page) -> None:
    """Wait for the floating note about models still loading to come (at the page's first poll) and go, so
    no screenshot has it over the content."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    note = page.locator("#loading-note")
    try:
        note.wait_for(state="visible", timeout=5_000)
    except PlaywrightTimeout:
        return      # everything was in before the first poll
    note.wait_for(state="hidden", timeout=180_000)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with running_app() as url, browser_page(1400, 1000) as page:
        page.goto(url)
        page.get_by_role("tab", name="Classify").first.wait_for()
        wait_until_loaded(page)

        page.locator("#classify-image input[type=file]").set_input_files(str(FIXTURES / "hiroshige_prune-orchard-sun.jpg"))
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("Ukiyo-e").first.wait_for(timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "classify.png"))

        open_tab(page, "Generate")
        page.get_by_role("button", name="Generate", exact=True).click()
        page.locator("#generate-painting img").first.wait_for(timeout=120_000)
        page.get_by_role("button", name="Make variations").click()
        page.locator("#generate-variations img").nth(8).wait_for(timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "generate.png"), full_page=True)

        open_tab(page, "Style transfer")
        page.locator("#stylize-content input[type=file]").set_input_files(str(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg"))
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Stylize", exact=True).click()
        page.locator("#stylize-result img").first.wait_for(timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "stylize.png"))

        open_tab(page, "Inpaint")
        paint_stroke(page, FIXTURES / "caravaggio_tooth-puller-1609.jpg")
        page.get_by_role("button", name="Fill", exact=True).click()
        page.locator("#inpaint-compare img").first.wait_for(timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "inpaint.png"))

        open_tab(page, "Restore")
        page.locator("#restore-input input[type=file]").set_input_files(str(FIXTURES / "georges-seurat_port-en-bessin-the-semaphore-and-cliffs-1888.jpg"))
        page.get_by_text("Clean, then enlarge x4").click()
        page.get_by_role("button", name="Restore", exact=True).click()
        result = page.locator("#restore-result img").first
        result.wait_for(timeout=120_000)
        result.click(position={"x": 120, "y": 100})
        page.wait_for_timeout(2500)
        page.screenshot(path=str(OUT / "restore.png"), full_page=True)

        open_tab(page, "Gallery")
        page.locator("#gallery-pictures button[aria-label^='Thumbnail']").nth(1).click()
        page.locator("#gallery-selected img").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "gallery.png"))
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
