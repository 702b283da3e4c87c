"""Launch flags: sharing without internet keeps serving locally; --auth guards the app."""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from gradio_client import Client, handle_file
from PIL import Image

from artstudio.testing.browser import ROOT, free_port, running_app


def test_share_without_internet_serves_locally():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--share", "--share-without-auth", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, GRADIO_ANALYTICS_ENABLED="False"))
    try:
        lines = []
        deadline = time.time() + 120
        while time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "public link could not be made" in line or "Public link:" in line:
                break
        text = "".join(lines)
        assert "anyone with the link" in text
        if "Public link:" not in text:
            assert "still serving locally" in text
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_share_needs_auth_or_explicit_consent():
    result = subprocess.run([sys.executable, "app.py", "--share", "--port", str(free_port())], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "--auth" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["100", "0.5"])
def test_max_upload_flag_accepts_numbers(value):
    from artstudio.server import add_serve_arguments, upload_limit_bytes
    import argparse
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    assert upload_limit_bytes(parser.parse_args(["--max-upload-mb", value])) == int(float(value) * 2**20)


def test_max_upload_flag_refuses_nonsense():
    result = subprocess.run([sys.executable, "app.py", "--max-upload-mb", "lots"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "megabytes" in result.stderr and "Traceback" not in result.stderr


def test_auth_required():
    with running_app("--auth", "artist:secret") as url:
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(url + "config", timeout=10)
        client = Client(url, auth=("artist", "secret"), verbose=False)
        assert "/classify" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]


def test_a_full_heavy_lane_refuses_with_the_wait_named():
    """The door reads the lane's waiting and running jobs and its endpoints' average time from the queue."""
    from types import SimpleNamespace

    from artstudio.tabs.waiting import Door
    fill = type("Endpoint", (), {"concurrency_id": "heavy", "input_parameter_names": None, "inputs": [1, 2, 3]})()
    lane = SimpleNamespace(queue=[object()] * 3, current_concurrency=1, concurrency_limit=1)
    door = Door("heavy", max_waiting=3)
    door.queue = SimpleNamespace(event_queue_per_concurrency_id={"heavy": lane},
                                 process_time_per_fn={fill: SimpleNamespace(avg_time=2.5, count=4)})
    assert door.wait_s() == 10.0                                  # (3 waiting + 1 running) x 2.5 s, one at a time
    verdicts = door.check(fill)
    assert [v["is_valid"] for v in verdicts] == [False, True, True]
    assert "3 heavy jobs are waiting" in verdicts[0]["message"] and "about 10 s" in verdicts[0]["message"]
    lane.queue = lane.queue[:2]
    assert door.check(fill) is None


@pytest.mark.load
def test_a_flooded_heavy_lane_answers_with_the_wait(client, tmp_path):
    """Twelve restorations at once through the real queue: those past the door get the sentence, the rest run."""
    from gradio_client.exceptions import ValidationError
    picture = tmp_path / "p.png"
    Image.new("RGB", (400, 300), (120, 80, 40)).save(picture)
    jobs = [client.submit(handle_file(str(picture)), "Clean, then enlarge x4", 0.7, "Fast (trained here)",
                          api_name="/restore") for _ in range(12)]
    refused = done = 0
    for job in jobs:
        try:
            job.result(timeout=600)
            done += 1
        except ValidationError as err:
            assert "The studio is busy" in str(err) and "Try again in about" in str(err)
            refused += 1
    assert refused >= 1 and done >= 8


def test_the_page_is_laid_out_before_torch_loads():
    """Building the UI imports no torch (about a second of the app's start): models and torch load after the
    page is served, and the page says what is still loading."""
    code = ("import sys; from artstudio.ui import build_app; build_app(); "
            "from artstudio.tabs.common import loading_note; print('torch' in sys.modules, loading_note()[0].value[:20])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:3] == ["False", "*Still", "loading"]
