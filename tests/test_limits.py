"""The server under hostile files and eight users at once: memory stays under its ceiling, and every
request either succeeds or answers an honest "busy, try again"."""

import pytest
import tempfile
from pathlib import Path

from conftest import needs_weights

from artstudio.testing.browser import running_app
from bench.load_test import run, write_mask
from bench.memory_ceiling import CEILING_MB, measure

pytestmark = pytest.mark.load


@needs_weights("movement_ensemble.pt")
def test_memory_ceiling_over_the_hostile_corpus():
    report = measure()
    assert report["peak_rss_mb"] < CEILING_MB, report
    answered = report["outcomes"]
    assert not [case for case, outcome in answered.items() if "Traceback" in outcome or "preprocess" in outcome]


@needs_weights("movement_ensemble.pt")
def test_eight_users_at_once():
    with running_app() as url:
        report = run(url, users=8, seconds=40, mask=write_mask(Path(tempfile.mkdtemp()) / "mask.png"))
    assert report["healthy_after"]
    for name, entry in report["endpoints"].items():
        assert not entry["errors"], (name, entry["errors"][:3])
        assert entry["calls"] > 0, name
