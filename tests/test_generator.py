"""The painting generator: determinism, truncation, named directions that do what they say."""
import pytest
import torch
from PIL import Image

from artstudio.models import registry
from artstudio.models.tensors import to_tensor
from artstudio.recipe import read_recipe
from artstudio.specs import GENERATE
from conftest import FIXTURES, check_warm_start_reexport, needs_weights, run_training

trained = needs_weights("painting_gan.pt")


@pytest.fixture(scope="module")
def generator():
    return registry.get("generator")


def luminance(img) -> float:
    x = to_tensor(img)
    return float((0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).mean())


@trained
def test_same_seed_same_pixels(generator):
    assert generator.sample(11).tobytes() == generator.sample(11).tobytes()
    assert generator.sample(11).tobytes() != generator.sample(12).tobytes()


@trained
def test_shape_and_range(generator):
    images = generator.render(torch.stack([generator.latent(s) for s in range(4)]))
    assert all(img.size == (128, 128) and img.mode == "RGB" for img in images)
    x = to_tensor(images[0])
    assert 0 <= x.min() and x.max() <= 1 and x.std() > 0.02


@trained
def test_truncation_zero_is_the_mean_image(generator):
    assert generator.sample(1, truncation=0.0).tobytes() == generator.sample(2, truncation=0.0).tobytes()


@trained
def test_at_least_eight_named_directions(generator):
    assert len(generator.direction_names) >= 8 and len(set(generator.direction_names)) == len(generator.direction_names)


@trained
def test_brightness_direction_brightens(generator):
    if "brightness" not in generator.direction_names:
        pytest.skip("no direction was named brightness for these weights")
    for seed in range(5):
        darker = luminance(generator.sample(seed, sliders={"brightness": -2}))
        brighter = luminance(generator.sample(seed, sliders={"brightness": 2}))
        assert brighter > darker + 0.02


@trained
def test_every_direction_moves_its_measure(generator):
    """Each slider raises the image measure it is named after, on average over seeds."""
    from training.find_directions import measures
    for name in generator.direction_names:
        lows = torch.cat([to_tensor(generator.sample(s, sliders={name: -2})) for s in range(8)])
        highs = torch.cat([to_tensor(generator.sample(s, sliders={name: 2})) for s in range(8)])
        assert (measures(highs)[name] - measures(lows)[name]).mean() > 0, name


@trained
def test_unknown_direction_refused(generator):
    with pytest.raises(ValueError, match="Unknown direction"):
        generator.sample(0, sliders={"wobble": 1})


@trained
def test_recipe_restores_the_same_painting(generator, tmp_path):
    from artstudio.tabs import generate
    name = generator.direction_names[0]
    shown, files, state = generate.new_painting(42, 0.6, **{generate.slider_key(name): 1.5})
    restored = generate.restore_painting(files[0])
    assert restored[0] == 42 and restored[1] == 0.6 and restored[2] == 1.5
    assert read_recipe(files[0])["params"]["sliders"][name] == 1.5
    assert Image.open(restored[-2][0]).tobytes() == Image.open(files[0]).tobytes()


@trained
def test_malformed_recipe_restores_nothing_wrong(generator, tmp_path):
    import gradio as gr

    from artstudio.recipe import make_recipe, save_png
    from artstudio.tabs import generate
    _, files, state = generate.new_painting(7, 0.7)
    image = Image.open(files[0])
    short = save_png(image, tmp_path / "short.png", make_recipe("generate", "x", "", {"seed": 7, "w": [0.1] * 5}))
    with pytest.raises(gr.Error, match="w \\(not a list of"):
        generate.restore_painting(str(short))
    odd = save_png(image, tmp_path / "odd.png", make_recipe("generate", "x", "", {
        "seed": "seven", "truncation": float("nan"), "sliders": {"brightness": "high"}, "w": state["w"]}))
    seed, truncation, *rest = generate.restore_painting(str(odd))
    assert seed == 0 and truncation == GENERATE["truncation"].default and rest[0] == 0.0        # defaults, not the bad values
    with pytest.raises(gr.Error, match="no ArtStudio painting recipe"):
        generate.restore_painting(str(FIXTURES / "hiroshige_prune-orchard-sun.jpg"))


@pytest.mark.training
def test_gan_training_warm_start_survives_its_own_export(tiny_data, tmp_path):
    check_warm_start_reexport("training.train_gan", "painting_gan.pt", tiny_data, tmp_path, "--batch", "2")


def test_warm_started_gan_counts_the_steps_already_in_its_weights(tmp_path):
    from artstudio.weights import record_weights
    from training.common import steps_behind
    record_weights("painting_gan.pt", {"w": torch.zeros(1)}, source="test", licence="test", data="test",
                   recipe="test", metrics={"train_steps": 5000}, weights_dir=tmp_path)
    assert steps_behind(tmp_path / "painting_gan.pt") == 5000
    assert steps_behind(None) == 0


def test_warm_start_into_a_grown_network_names_its_new_layers(tmp_path):
    from training.common import warm_start
    small, grown = torch.nn.Sequential(torch.nn.Linear(2, 2)), torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 3))
    torch.save(small.half().state_dict(), tmp_path / "small.pt")
    torch.save(grown.state_dict(), tmp_path / "grown.pt")
    assert warm_start(grown, tmp_path / "small.pt").endswith("with new layers 1")
    assert torch.equal(grown[0].weight, small[0].weight.float())
    with pytest.raises(ValueError, match="the network lacks: 1.weight, 1.bias"):
        warm_start(small, tmp_path / "grown.pt")


def test_w_effective_rank_sees_folded_latents():
    from artstudio.nets.painting_gan import Generator
    from training.train_gan import w_effective_rank
    torch.manual_seed(0)
    fresh = Generator()
    assert w_effective_rank(fresh) > 40
    with torch.no_grad():
        last = fresh.mapping.net[-2]
        last.weight[1:] = last.weight[0] * torch.rand(len(last.weight) - 1, 1)   # every w on one line
    assert w_effective_rank(fresh) < 2


def test_nearest_mode_seeking_pushes_hardest_on_a_repeated_picture():
    from training.train_gan import mode_seeking_loss
    torch.manual_seed(0)
    z, images = torch.randn(8, 16), torch.rand(8, 3, 16, 16)
    images[5] = images[2] + 0.01 * torch.randn(3, 16, 16)        # samples 2 and 5: one picture twice, not halves' pair
    for pairs, pushed in (("halves", False), ("nearest", True)):
        images.grad = None
        mode_seeking_loss(z, images.requires_grad_(), pairs).backward()
        push = images.grad.abs().flatten(1).sum(1)
        assert torch.isfinite(push).all()
        assert (push[[2, 5]].min() > 100 * push[[0, 1, 3, 4, 6, 7]].max()) == pushed


def test_near_duplicate_share_tells_repeats_from_fresh_draws():
    from training.mobilenet_eval import near_duplicate_share
    torch.manual_seed(0)
    real, fresh = torch.randn(500, 16), torch.randn(500, 16)
    repeats = torch.randn(50, 16).repeat(10, 1) + 0.01 * torch.randn(500, 16)
    assert near_duplicate_share(real, fresh) < 0.15
    assert near_duplicate_share(real, repeats) > 0.9


def test_patch_distance_by_level_puts_blur_at_the_finest_level():
    from torchvision.transforms.functional import gaussian_blur

    from training.texture_distance import texture_distance_by_level
    painting = to_tensor(Image.open(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg").convert("RGB"))[0]
    corners = torch.randint(0, painting.shape[1] - 64, (32, 2), generator=torch.Generator().manual_seed(0))
    crops = torch.stack([painting[:, y:y + 64, x:x + 64] for y, x in corners.tolist()])
    reference, pictures = crops[:16], crops[16:]
    same = texture_distance_by_level(pictures, reference, patches_per_image=128)
    blurred = texture_distance_by_level(gaussian_blur(pictures, [5, 5], [1.0]), reference, patches_per_image=128)
    assert len(blurred) == 3                          # 64 and 32 px bands, then the 16 px low-pass
    assert blurred[0] > 1.5 * same[0]                 # the brush-mark level sees the blur
    assert abs(blurred[-1] - same[-1]) < 0.1 * same[-1]   # the layout level does not


def test_patch_texture_loss_pulls_blurred_pictures_towards_the_paintings_brush_marks():
    from torchvision.transforms.functional import gaussian_blur

    from training.patch_texture import PatchTextureLoss
    from training.texture_distance import texture_distance_by_level
    torch.manual_seed(0)
    painting = to_tensor(Image.open(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg").convert("RGB"))[0]
    corners = torch.randint(0, painting.shape[1] - 64, (80, 2))
    crops = torch.stack([painting[:, y:y + 64, x:x + 64] for y, x in corners.tolist()])
    loss = PatchTextureLoss((crops[:64] * 255).round().to(torch.uint8), pictures=64)
    sharp, blurred = crops[64:], gaussian_blur(crops[64:], [5, 5], [1.0])
    assert loss(blurred) > 1.15 * loss(sharp)
    pictures = blurred.clone().requires_grad_()
    opt = torch.optim.Adam([pictures], lr=0.01)
    for _ in range(40):
        opt.zero_grad(); loss(pictures).backward(); opt.step()
    finest = [texture_distance_by_level(x.detach(), crops[:16], patches_per_image=128)[0] for x in (blurred, pictures)]
    assert finest[1] < 0.8 * finest[0], finest


@pytest.mark.parametrize("term", ["--pixel-discriminator", "--patch-texture"])
@pytest.mark.training
def test_gan_loss_term_joins_a_run_midway(term, tiny_data, tmp_path):
    from artstudio.weights import read_manifest
    run_training("training.train_gan", tiny_data, tmp_path, "--batch", "2")
    weights_dir = run_training("training.train_gan", tiny_data, tmp_path, "--batch", "2", "--steps", "4", term, "0.5")
    recipe = read_manifest(weights_dir)["painting_gan.pt"]["recipe"]
    assert "from step 2" in recipe and f"{term} 0.5" in recipe, recipe
    checkpoint = torch.load(tmp_path / "run" / "last.pt", weights_only=False)
    assert ("pixel_discriminator" in checkpoint) == (term == "--pixel-discriminator")


@pytest.mark.training
def test_discriminator_warm_up_holds_the_generator_still(tiny_data, tmp_path):
    from artstudio.weights import load_weights, read_manifest
    first = run_training("training.train_gan", tiny_data, tmp_path / "first", "--batch", "2") / "painting_gan.pt"
    weights_dir = run_training("training.train_gan", tiny_data, tmp_path, "--batch", "2", "--d-warmup", "2",
                               "--d-lr", "0.001", "--init", str(first))
    before, after = load_weights(first.name, first.parent), load_weights("painting_gan.pt", weights_dir)
    assert all(torch.equal(before[k], after[k]) for k in before if k != "w_mean")
    assert "--d-warmup 2" in read_manifest(weights_dir)["painting_gan.pt"]["recipe"]
    checkpoint = torch.load(tmp_path / "run" / "last.pt", weights_only=False)
    assert not checkpoint["opt_g"]["state"]                                   # the generator never stepped
    assert {float(s["step"]) for s in checkpoint["opt_d"]["state"].values()} == {2.0}   # the discriminator did, twice
    assert checkpoint["opt_d"]["param_groups"][0]["lr"] == 0.001 != checkpoint["opt_g"]["param_groups"][1]["lr"]


def test_multiscale_patch_discriminator_judges_every_scale():
    from training.patch_discriminator import MultiScalePatchDiscriminator
    logits = MultiScalePatchDiscriminator()(torch.rand(2, 3, 128, 128))
    assert logits.shape == (2, 16 * 16 + 8 * 8 + 4 * 4) and torch.isfinite(logits).all()


@trained
@needs_weights("restore_blind.pt")
def test_shown_painting_is_enlarged_by_the_restorer(generator):
    from artstudio.models import registry
    from artstudio.tabs import generate
    shown, files, _ = generate.new_painting(5, 1.0)
    native, large = Image.open(files[0]).convert("RGB"), Image.open(shown).convert("RGB")
    assert native.size == (128, 128) and large.size == (generate.DISPLAY_SIZE,) * 2
    assert large.tobytes() == registry.get("restorer").restore(native, generate.DISPLAY_JOB).tobytes()
    assert large.tobytes() != native.resize(large.size, Image.BICUBIC).tobytes()
