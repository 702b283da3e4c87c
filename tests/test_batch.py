"""Ray batch path on a local two-node cluster: same answers as the plain CLI, resumable, one row per bad file."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from artstudio.testing.browser import free_port
from conftest import FIXTURES, needs_weights
from test_cli import cli, json_lines

pytestmark = pytest.mark.ray

pytest.importorskip("ray", reason="Ray is optional: pip install -r requirements-scale.txt")
pd = pytest.importorskip("pandas")
RAY = str(Path(sys.executable).parent / "ray")
PAINTINGS = sorted(FIXTURES.glob("*.jpg"))


@pytest.fixture(scope="module")
def cluster():
    """`ray start --head` plus a second node joining it, one CPU each, on loopback; both stopped afterwards.
    Token authentication is off for this throwaway local cluster (docs/scaling.md keeps it on for real ones)."""
    os.environ["RAY_AUTH_MODE"] = "disabled"          # inherited by the ray commands and the batch runs
    port = free_port()
    common = ["--num-cpus", "1", "--disable-usage-stats"]
    subprocess.run([RAY, "start", "--head", "--port", str(port), "--include-dashboard", "false", *common],
                   check=True, capture_output=True, timeout=180)
    try:
        subprocess.run([RAY, "start", "--address", f"127.0.0.1:{port}", *common], check=True, capture_output=True,
                       timeout=180)
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], capture_output=True, timeout=120)


def batch(*args):
    return cli("batch", *args)


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    src = tmp_path_factory.mktemp("collection")
    for path in PAINTINGS:
        shutil.copy(path, src / path.name)
    (src / "notes").mkdir()
    (src / "notes" / "broken.jpg").write_text("not a picture")
    return src


@needs_weights("movement_ensemble.pt")
def test_classify_on_two_nodes_matches_the_cli(cluster, collection, tmp_path):
    result = batch("classify", collection, "--out", tmp_path, "--address", cluster, "--workers", "2",
                   "--batch-size", "1")
    assert result.returncode == 1, result.stderr[-2000:]          # the broken file fails its own row only
    table = pd.read_parquet(tmp_path / "results.parquet")
    assert len(table) == len(PAINTINGS) + 1 and (tmp_path / "results.csv").exists()
    errors = table[table["error"] != ""]
    assert list(errors["input"].map(lambda p: Path(p).name)) == ["broken.jpg"]
    assert table["node"].nunique() == 2
    plain = {Path(r["path"]).name: r["top"] for r in json_lines(cli("classify", *PAINTINGS, "--json").stdout)}
    for row in table[table["error"] == ""].itertuples():
        assert json.loads(row.labels)[0]["label"] == plain[Path(row.input).name][0]["label"]
    assert {"artist", "artist_prob", "artist_known", "year", "year_low", "year_high"} <= set(table.columns)


@needs_weights("style_decoder.pt")
def test_stylize_is_pixel_identical_and_resumes(cluster, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for path in PAINTINGS[:4]:
        shutil.copy(path, src / path.name)
    listing = tmp_path / "half.txt"
    listing.write_text("\n".join(str(src / p.name) for p in PAINTINGS[:2]))
    options = ["--style", "van-gogh", "--size", "128"]
    out = tmp_path / "out"
    first = batch("stylize", listing, "--out", out, *options, "--address", cluster)
    assert first.returncode == 0, first.stderr[-2000:]
    second = batch("stylize", src, "--out", out, *options, "--address", cluster)
    assert second.returncode == 0 and "2 done, 0 failed, 2 skipped" in second.stderr
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 4 and table["hash"].is_unique
    plain = cli("stylize", *[src / p.name for p in PAINTINGS[:4]], *options, "--out", tmp_path / "plain", "--json",
                env={"ARTSTUDIO_THREADS": "1"})
    for record in json_lines(plain.stdout):
        (row,) = table[table["input"] == record["content"]].itertuples()
        assert Image.open(row.output).tobytes() == Image.open(record["path"]).tobytes()
