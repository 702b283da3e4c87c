"""Helpers the test suite and the benchmarks share: the real app in a subprocess driven by Chromium
(browser.py) and the hostile-input corpus (hostile.py). Not imported by the app."""
