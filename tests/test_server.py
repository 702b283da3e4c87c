"""Launch flags: sharing without internet keeps serving locally; --auth guards the app."""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from gradio_client import Client

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
