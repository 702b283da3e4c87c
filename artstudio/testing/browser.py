"""Start the real app in a subprocess and drive it with Playwright in Debian's Chromium."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(*extra: str, timeout: float = 120):
    """Yield the URL of `python app.py` on a free port; stop it afterwards."""
    with app_process(*extra, timeout=timeout) as (_, url):
        yield url


@contextmanager
def app_process(*extra: str, timeout: float = 120):
    """Yield (process, URL) of `python app.py` on a free port; stop it afterwards."""
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_DISABLE_TELEMETRY="1")
    log = tempfile.TemporaryFile(mode="w+")      # a file, not a pipe: a busy server never blocks on its log
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *extra], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"app did not start:\n{log.read()}")
                time.sleep(0.5)
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(90_000)     # a busy 2-core machine can take longer than Playwright's 30 s
        try:
            yield page
        finally:
            browser.close()


def open_tab(page, name: str, attempts: int = 3) -> None:
    """Click the page's tab called `name` and wait until it is the selected one. A click can miss on a busy
    machine (the page still settling under the pointer), so an unanswered click is tried again."""
    from playwright.sync_api import expect
    tab = page.get_by_role("tab", name=name, exact=True).first
    for attempt in range(attempts):
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=10_000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def paint_stroke(page, image: Path | None, editor: str = "#inpaint-editor") -> None:
    """Upload `image` (unless the editor already holds a picture) into an ImageEditor and paint one brush
    stroke across its middle."""
    if image is not None:
        with page.expect_file_chooser() as chooser:
            page.locator(f"{editor} button[aria-label='Upload']").first.click()
        chooser.value.set_files(str(image))
    page.wait_for_timeout(1000)
    page.locator(f"{editor} button[aria-label='Brush']").first.click()
    box = page.locator(f"{editor} canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.45)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.55, steps=12)
    page.mouse.up()


def download(link, path: Path) -> None:
    """Wait for a download link, click it and save what the browser receives at `path`."""
    link.wait_for(timeout=60_000)
    with link.page.expect_download() as event:
        link.click()
    event.value.save_as(path)
