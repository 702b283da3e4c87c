"""End-to-end latency of a Generate slider in the browser: from releasing the slider to the new picture.

    python -m bench.bench_slider [--trials 10]

Starts the app, opens it in Debian's Chromium, generates a painting, then releases sliders at new
positions and times each until the displayed image changes. Prints the median and the worst, and
records them in the manifest entry of painting_gan.pt ("slider_release_ms").
"""
import argparse
import statistics
import time

from artstudio.models import registry
from artstudio.weights import update_metrics
from artstudio.testing.browser import browser_page, open_tab, running_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    with running_app() as url, browser_page(1400, 1000) as page:
        page.goto(url)
        open_tab(page, "Generate")
        page.get_by_role("button", name="Generate", exact=True).click()
        picture = page.locator("#generate-painting img").first
        picture.wait_for(timeout=120_000)
        names = [name.capitalize() for name in registry.get("generator").direction_names]
        times = []
        for trial in range(args.trials + 1):
            slider = page.locator(f"input[aria-label='range slider for {names[trial % len(names)]}']")
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            before = picture.get_attribute("src")
            x = box["x"] + box["width"] * (0.2 + 0.6 * ((trial * 0.37) % 1))
            start = time.perf_counter()
            page.mouse.click(x, box["y"] + box["height"] / 2)
            page.wait_for_function("([el, old]) => el.src !== old", arg=[picture.element_handle(), before],
                                   timeout=30_000)
            if trial:  # the first release warms caches
                times.append((time.perf_counter() - start) * 1000)
    figures = {"median": round(statistics.median(times)), "worst": round(max(times)), "trials": len(times)}
    print(f"slider release to new picture: median {figures['median']} ms, worst {figures['worst']} ms")
    update_metrics("painting_gan.pt", {"slider_release_ms": figures})


if __name__ == "__main__":
    main()
