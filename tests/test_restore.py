"""Restoration: sizes, strength 0, seamless tiles, cleaner flat grey, sharper than bicubic, CLI, API, training."""
import math

import pytest
import torch
from gradio_client import handle_file
from PIL import Image

from artstudio.models import registry
from artstudio.specs import RestoreJob
from artstudio.models.tensors import to_tensor
from artstudio.models.tiling import tiled
from conftest import FIXTURES, needs_weights, run_training
from test_cli import cli, json_lines

needs_restorer = [needs_weights("restore_blind.pt"), needs_weights("restore_upscale_x4.pt")]
PAINTINGS = ["hiroshige_prune-orchard-sun.jpg", "alfred-sisley_by-the-loing-1885.jpg",
             "georges-seurat_port-en-bessin-the-semaphore-and-cliffs-1888.jpg"]


def luma_psnr(a: Image.Image, b: Image.Image) -> float:
    ya, yb = (to_tensor(img.convert("YCbCr"))[:, :1] for img in (a, b))
    return 10 * math.log10(1 / max(torch.mean((ya - yb) ** 2).item(), 1e-10))


@pytest.fixture(scope="module")
def restorer():
    return registry.get("restorer")


def apply(marks):
    def wrap(fn):
        for mark in marks:
            fn = mark(fn)
        return fn
    return wrap


@apply(needs_restorer)
@pytest.mark.parametrize("job,factor", [(RestoreJob(clean=1.0), 1), (RestoreJob(scale=2), 2), (RestoreJob(scale=4), 4),
                                        (RestoreJob(clean=1.0, scale=2), 2), (RestoreJob(clean=0.5, scale=4), 4)])
def test_output_sizes(restorer, scene, job, factor):
    image = scene.resize((97, 61))
    assert restorer.restore(image, job).size == (97 * factor, 61 * factor)


@apply(needs_restorer)
def test_strength_zero_returns_the_input(restorer, scene):
    assert restorer.restore(scene, RestoreJob(clean=0.0)).tobytes() == scene.tobytes()


def test_one_pass_when_cleaning_with_the_fast_upscaler():
    from artstudio.models.restorer import Restorer
    assert Restorer.stages(RestoreJob(clean=1.0, scale=2)) == [("blind", 2)]
    assert Restorer.stages(RestoreJob(clean=1.0)) == [("blind", 1)]
    assert Restorer.stages(RestoreJob(scale=4)) == [("fast", 4)]
    assert Restorer.stages(RestoreJob(clean=0.5, scale=4, upscaler="detailed")) == [("blind", 1), ("detailed", 4)]
    assert Restorer.stages(RestoreJob(clean=0.5, scale=2, upscaler="sharp")) == [("blind", 1), ("sharp", 4)]
    assert Restorer.stages(RestoreJob(scale=2, upscaler="sharp")) == [("sharp", 4)]


def test_damage_chain_is_reproducible(scene):
    import random

    from training.degradations import damage_chain
    runs = [damage_chain(scene, 2, random.Random(7), torch.Generator().manual_seed(7)) for _ in range(2)]
    other = damage_chain(scene, 2, random.Random(8), torch.Generator().manual_seed(8))
    assert runs[0].shape == (3, 120, 160) and torch.equal(runs[0], runs[1]) and not torch.equal(runs[0], other)


@apply(needs_restorer)
@pytest.mark.parametrize("stage,scale", [("blind", 1), ("blind", 2), ("blind", 4), ("upscaler", 4)])
def test_tiled_matches_untiled(restorer, stage, scale):
    net = restorer.upscaler if stage == "upscaler" else lambda t: restorer.blind(t, scale)
    multiple = restorer.upscaler.multiple if stage == "upscaler" else restorer.blind.multiple
    x = to_tensor(Image.open(FIXTURES / PAINTINGS[1]).convert("RGB").resize((200, 152)))
    with torch.inference_mode():
        whole = net(x)
        pieces = tiled(net, x, scale=scale, tile=96, overlap=16, multiple=multiple)
    assert pieces.shape == whole.shape
    assert (pieces - whole).abs().mean().item() < 0.004 and (pieces - whole).abs().max().item() < 0.1


@apply(needs_restorer)
def test_noisy_flat_grey_comes_back_flatter(restorer):
    generator = torch.Generator().manual_seed(0)
    noisy = (torch.full((1, 3, 128, 128), 0.5) + torch.randn(1, 3, 128, 128, generator=generator) * 25 / 255)
    image = Image.fromarray((noisy[0].clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy())
    cleaned = to_tensor(restorer.restore(image, RestoreJob(clean=1.0)))
    assert cleaned.std().item() < 0.5 * to_tensor(image).std().item()


@apply(needs_restorer)
@pytest.mark.parametrize("name", PAINTINGS)
def test_x4_beats_bicubic(restorer, name):
    original = Image.open(FIXTURES / name).convert("RGB")
    original = original.crop((0, 0, original.width // 4 * 4, original.height // 4 * 4))
    small = original.resize((original.width // 4, original.height // 4), Image.BICUBIC)
    bicubic = small.resize(original.size, Image.BICUBIC)
    assert luma_psnr(restorer.upscale(small, 4), original) > luma_psnr(bicubic, original) + 0.2


@apply(needs_restorer)
def test_cli_restore(tmp_path):
    painting = FIXTURES / PAINTINGS[0]
    bad = tmp_path / "bad.png"
    bad.write_text("no")
    result = cli("restore", painting, bad, "--task", "upscale", "--scale", "2", "--out", tmp_path / "out", "--json")
    assert result.returncode == 1 and result.stderr.strip().splitlines()[-1].startswith("error: bad.png")
    (item,) = json_lines(result.stdout)
    assert set(item) == {"path", "input", "ms"} and item["input"] == str(painting)
    width, height = Image.open(painting).size
    assert Image.open(item["path"]).size == (2 * width, 2 * height)
    denoised = cli("restore", painting, "--task", "denoise", "--strength", "0.5", "--out", tmp_path / "d", "--json")
    assert denoised.returncode == 0 and Image.open(json_lines(denoised.stdout)[0]["path"]).size == (width, height)


@apply(needs_restorer)
@pytest.mark.parametrize("scale", [1, 2, 4])
def test_cli_auto_cleans_and_enlarges_in_one_call(tmp_path, scale):
    from artstudio.recipe import read_recipe
    painting = FIXTURES / PAINTINGS[1]
    web_copy = tmp_path / "web.jpg"
    Image.open(painting).convert("RGB").resize((112, 112), Image.BICUBIC).save(web_copy, quality=30)
    result = cli("restore", web_copy, "--task", "auto", "--scale", str(scale), "--out", tmp_path / "out", "--json")
    assert result.returncode == 0, result.stderr
    (item,) = json_lines(result.stdout)
    assert item["path"] == str(tmp_path / "out" / "web.png")
    assert Image.open(item["path"]).size == (112 * scale, 112 * scale)
    params = read_recipe(item["path"])["params"]
    assert params["task"] == ("denoise" if scale == 1 else "auto") and params["scale"] == scale


def test_cli_upscale_refuses_scale_one(tmp_path):
    result = cli("restore", FIXTURES / PAINTINGS[0], "--task", "upscale", "--scale", "1", "--out", tmp_path)
    assert result.returncode == 1 and "needs --scale 2 or 4" in result.stderr


@apply(needs_restorer)
def test_api_restore(client):
    result, compare, zoom, download = client.predict(handle_file(str(FIXTURES / PAINTINGS[0])), "Enlarge x4", 1.0,
                                                     "Fast (trained here)", api_name="/restore")
    assert Image.open(download).size == (4 * 224, 4 * 224)
    assert Image.open(download).info["artstudio-recipe"]


@pytest.mark.parametrize("task", ["denoise", "upscale"])
@pytest.mark.training
def test_training_smoke(tiny_data, tmp_path, task):
    weights = run_training("training.train_restore", tiny_data, tmp_path, "--task", task, "--batch", "2")
    assert (weights / ("restore_denoise.pt" if task == "denoise" else "restore_upscale_x4.pt")).exists()


@apply([needs_weights("restore_denoise.pt"), needs_weights("restore_upscale_x4.pt"),
        needs_weights("restore_blind.pt")])
@pytest.mark.parametrize("start, recipe_words", [((), "restore_denoise.pt (sha256"),
                                                 (("--grow-to", "72x17"), "to an enlarger of 72x17"),
                                                 (("--web-copy", "0.5"), "--web-copy 0.5"),
                                                 (("--grow-to", "48x12", "--grow-cleaner-to", "56", "--scales", "1"),
                                                  "--scales 1 --grow-to 48x12 --grow-cleaner-to 56")])
@pytest.mark.training
def test_blind_training_smoke(tiny_data, tmp_path, start, recipe_words):
    """Two steps warm-started from the shipped cleaner and enlarger, or from the shipped blind restorer
    grown, then the fp16 export and its recipe."""
    from artstudio.weights import read_manifest
    weights = run_training("training.train_blind_restore", tiny_data, tmp_path, "--batch", "2", *start)
    entry = read_manifest(weights)["restore_blind.pt"]
    assert entry["metrics"]["train_steps"] == 2 and recipe_words in entry["recipe"]


@apply([needs_weights("restore_upscale_x4.pt")])
@pytest.mark.training
def test_sharp_training_smoke(tiny_data, tmp_path):
    """Two adversarial steps from the shipped enlarger, then the fp16 export with its detail figure."""
    from artstudio.weights import read_manifest
    weights = run_training("training.train_sharp_upscale", tiny_data, tmp_path, "--batch", "2", "--size", "64")
    entry = read_manifest(weights)["restore_upscale_x4_sharp.pt"]
    assert entry["metrics"]["train_steps"] == 2 and "validation_detail_ratio" in entry["metrics"]


@apply(needs_restorer + [needs_weights("restore_upscale_x4_sharp.pt")])
def test_sharp_upscaler_draws_more_detail_than_the_faithful_one(restorer, scene):
    from training.train_sharp_upscale import detail
    small = scene.resize((48, 40))
    sharp, faithful = restorer.upscale(small, 4, upscaler="sharp"), restorer.upscale(small, 4)
    assert sharp.size == faithful.size == (192, 160)
    assert detail(to_tensor(sharp)) > 1.1 * detail(to_tensor(faithful))


@apply(needs_restorer + [needs_weights("realesrgan_x4plus.pt")])
def test_detailed_upscaler(restorer, scene):
    small = scene.resize((40, 32))
    detailed = restorer.upscale(small, 4, upscaler="detailed")
    assert detailed.size == (160, 128) and detailed.tobytes() != restorer.upscale(small, 4).tobytes()


@apply(needs_restorer)
def test_steps_survive_being_resumed_on_other_threads(restorer, scene):
    """Gradio resumes a generator handler on whichever worker thread is free."""
    import threading
    steps = restorer.steps(scene.resize((300, 200)), RestoreJob(clean=1.0, scale=2))
    results = []

    def advance():
        results.append(next(steps, None))
    while not results or results[-1] is not None:
        thread = threading.Thread(target=advance)
        thread.start()
        thread.join()
    assert results[-2][1].size == (600, 400)


@pytest.mark.parametrize("width, convs", [(48, 12), (64, 16), (56, 13)])
def test_grown_enlarger_computes_what_it_grew_from(width, convs):
    """Growing keeps the function (new channels start silent, new layers as identities) and the shape."""
    from artstudio.nets.restore_nets import BlindRestorer, UpscaleNet
    from training.grow import grown_restorer, grown_upscaler
    torch.manual_seed(0)
    small = UpscaleNet(48, 12)
    for module in small.modules():
        if isinstance(module, torch.nn.PReLU):
            torch.nn.init.uniform_(module.weight, -0.5, 0.5)
    x = torch.rand(2, 3, 20, 24)
    grown = grown_upscaler(small, width, convs)
    assert UpscaleNet.shape_of(grown.state_dict()) == (width, convs)
    assert torch.allclose(grown(x), small(x), atol=1e-6)
    blind = BlindRestorer()
    for module in blind.modules():      # the cleaners' last layers start at zero: give them something to keep
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.normal_(module.weight, 0, 0.05)
    grown_blind = grown_restorer(blind, width, convs, cleaner_width=width)
    assert BlindRestorer.shape_of(grown_blind.state_dict()) == (width, convs, width, width, convs, 32)
    x2_grown = grown_restorer(blind, 48, 12, x2_size=(width, convs, 40))
    assert BlindRestorer.shape_of(x2_grown.state_dict()) == (48, 12, 32, width, convs, 40)
    x = torch.rand(1, 3, 16, 16)
    for scale in (1, 2, 4):
        assert torch.allclose(grown_blind(x, scale), blind(x, scale), atol=1e-5)
        assert torch.allclose(x2_grown(x, scale), blind(x, scale), atol=1e-5)


def _random_blind_restorer():
    from artstudio.nets.restore_nets import BlindRestorer
    torch.manual_seed(0)
    net = BlindRestorer(16, 2, 8)
    for module in net.modules():      # the cleaners' last layers start at zero: give them something to keep
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.normal_(module.weight, 0, 0.05)
    return net


def test_a_warm_started_x2_is_the_x4_halved():
    net = _random_blind_restorer()
    net.x2_from_x4()
    x = torch.rand(1, 3, 16, 16)
    assert torch.allclose(net(x, 2), torch.nn.functional.avg_pool2d(net(x, 4), 2), atol=1e-5)


def test_an_old_blind_restorer_computes_the_same_x2_in_todays_layout():
    """Weights saved when x2 shared the x4 path's cleaner and body (a `to_x2` tail) load into today's networks."""
    from artstudio.nets.restore_nets import BlindRestorer
    from training.train_blind_restore import own_x2_path
    old = _random_blind_restorer()
    tail = torch.nn.Conv2d(16, 12, 3, padding=1)
    state = {k: v for k, v in old.state_dict().items() if not k.startswith("x2_")}
    state.update({"to_x2.0.weight": tail.weight.detach(), "to_x2.0.bias": tail.bias.detach()})
    upgraded = BlindRestorer(16, 2, 8)
    upgraded.load_state_dict(own_x2_path(state))
    x = torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        cleaned = old.pre_cleaner(x)
        expected = (torch.nn.functional.pixel_shuffle(tail(old.enlarger.body[:-2](cleaned)), 2)
                    + torch.nn.functional.interpolate(cleaned, scale_factor=2, mode="nearest"))
        assert torch.allclose(upgraded(x, 2), expected, atol=1e-5)
        assert torch.allclose(upgraded(x, 4), old(x, 4))


def test_an_enlarger_cannot_shrink():
    from artstudio.nets.restore_nets import UpscaleNet
    from training.grow import grown_upscaler
    with pytest.raises(ValueError, match="shrink"):
        grown_upscaler(UpscaleNet(48, 12), 32, 12)
