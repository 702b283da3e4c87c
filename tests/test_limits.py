"""The server under hostile files and eight users at once: memory stays under its ceiling, and every
request either succeeds or answers an honest "busy, try again"."""
import sys
import tempfile
from pathlib import Path

from conftest import needs_weights

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from browser import running_app  # noqa: E402
from load_test import run, write_mask  # noqa: E402
from memory_ceiling import CEILING_MB, measure  # noqa: E402


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
