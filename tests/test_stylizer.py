"""Style transfer on the real shipped decoder."""
import pytest
import torch
from PIL import Image

from artstudio import presets
from artstudio.imageio import open_image
from artstudio.models import registry
from artstudio.models.stylizer import BASELINE, DETAILED, StyleSource, gram
from artstudio.models.tensors import to_tensor
from artstudio.nets.texture_transport import collapse, laplacian_pyramid, style_references, transport_texture
from conftest import FIXTURES, draw_scene, needs_weights, run_training
from training.eval_stylizer import colour_transfer
from training.texture_distance import texture_distance

pytestmark = needs_weights("style_decoder.pt")


@pytest.fixture(scope="module")
def stylizer():
    return registry.get("stylizer")


@pytest.fixture(scope="module")
def starry() -> list[StyleSource]:
    return [StyleSource(Image.open(presets.FOLDER / "van-gogh_starry-night-1889.jpg").convert("RGB"))]


def mean_abs(a: Image.Image, b: Image.Image) -> float:
    return (to_tensor(a) - to_tensor(b.resize(a.size))).abs().mean().item()


def test_strength_zero_returns_content(stylizer, starry, scene):
    out = stylizer.stylize(scene, starry, strength=0.0, size=320)
    assert out.size == scene.size and mean_abs(out, scene) < 1e-6


def test_strength_moves_away_from_content_monotonically(stylizer, starry, scene):
    distances = [mean_abs(stylizer.stylize(scene, starry, strength=s, size=256), scene.resize((256, 192)))
                 for s in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert distances == sorted(distances) and distances[-1] > 0.05


def test_full_strength_takes_on_the_style(stylizer, starry):
    """The result's Gram statistics are clearly closer to the style's than the content's were."""
    content = Image.open(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg").convert("RGB")
    out = stylizer.stylize(content, starry, size=256)
    taps = ("relu1_1", "relu2_1", "relu3_1")
    style_feats = stylizer.vgg(to_tensor(starry[0].image.resize((256, 160))), taps)

    def style_distance(img):
        feats = stylizer.vgg(to_tensor(img), taps)
        return sum((gram(feats[t]) - gram(style_feats[t])).pow(2).sum().item() for t in taps)
    with torch.no_grad():
        assert style_distance(out) < 0.8 * style_distance(content.resize(out.size))


def test_full_strength_takes_on_the_brush_texture(stylizer, starry):
    """Apart from colour, the result's pyramid patches are closer to the painting's than a colour transfer's."""
    content = Image.open(FIXTURES / "alfred-sisley_by-the-loing-1885.jpg").convert("RGB")
    out = to_tensor(stylizer.stylize(content, starry, size=384))
    style = to_tensor(starry[0].image.resize((384, 304)))
    recoloured = colour_transfer(to_tensor(content.resize((out.shape[3], out.shape[2]))), style)
    assert texture_distance(out, style) < 0.9 * texture_distance(recoloured, style)


def test_pyramid_collapses_back_exactly():
    image = to_tensor(draw_scene((97, 61)))
    assert torch.allclose(collapse(laplacian_pyramid(image, 3)), image, atol=1e-5)


def test_texture_transport_gives_the_bands_the_style_spread():
    """A smooth picture given a striped texture's patches gets stripes' contrast; its own patches change little."""
    smooth = to_tensor(draw_scene((128, 96)))
    stripes = torch.zeros(1, 3, 128, 128)
    stripes[:, :, :, ::4] = 1.0
    moved = transport_texture(smooth, style_references(stripes))
    finest = laplacian_pyramid(moved, 1)[0]
    assert finest.std() > 3 * laplacian_pyramid(smooth, 1)[0].std()
    itself = transport_texture(smooth, style_references(smooth))
    assert (itself - smooth).abs().mean() < 0.02


def test_preserve_colour_keeps_mean_colour(stylizer, starry, scene):
    out = stylizer.stylize(scene, starry, size=256, preserve_color=True)
    content_mean = to_tensor(scene.resize(out.size)).mean((0, 2, 3))
    assert (to_tensor(out).mean((0, 2, 3)) - content_mean).abs().max().item() < 4 / 255


@pytest.mark.parametrize("size", [64, 301, 512, 1024])
def test_output_size_honoured(stylizer, starry, size):
    content = draw_scene((333, 157))
    out = stylizer.stylize(content, starry, size=size)
    assert max(out.size) == size and abs(out.width / out.height - 333 / 157) < 0.05


@pytest.mark.parametrize("mode", ["L", "RGBA"])
def test_grey_and_rgba_uploads(stylizer, starry, scene, tmp_path, mode):
    path = tmp_path / "in.png"
    scene.convert(mode).save(path)
    out = stylizer.stylize(open_image(path).image, starry, size=128)
    assert out.mode == "RGB" and max(out.size) == 128


def test_small_style_refused(stylizer, scene):
    with pytest.raises(ValueError, match="at least 64 px"):
        stylizer.stylize(scene, [StyleSource(Image.new("RGB", (40, 40), "red"))])


def test_style_blend_and_region(stylizer, starry, scene):
    scream = StyleSource(Image.open(presets.FOLDER / "munch_the-scream-1893.jpg").convert("RGB"), 0.5)
    region = Image.new("L", scene.size, 0)
    region.paste(255, (0, 0, scene.width // 2, scene.height))
    out = stylizer.stylize(scene, starry + [scream], size=320, region=region)
    right = (scene.width * 3 // 4, scene.height // 2)
    assert out.getpixel(right) == scene.getpixel(right)
    assert mean_abs(out.crop((0, 0, 100, 240)), scene.crop((0, 0, 100, 240))) > 0.03


def test_refine_lowers_the_style_loss(stylizer, starry, scene):
    fast = stylizer.stylize(scene, starry, size=256)
    steps = list(stylizer.refine_steps(scene, starry, fast, size=256, steps=20, preview_every=10))
    assert [s for s, _ in steps] == [10, 20]
    refined = steps[-1][1]
    taps = DETAILED.style_taps
    with torch.no_grad():
        target = stylizer.efficientnet(to_tensor(starry[0].image.resize((512, 320))), taps)

        def loss(img):
            feats = stylizer.efficientnet(to_tensor(img), taps)
            return sum((gram(f) - gram(t)).pow(2).sum().item() for f, t in zip(feats, target))
    assert loss(refined) < loss(fast)


def test_baseline_settings_optimise_from_the_content(stylizer, starry, scene):
    result = stylizer.refine(scene, starry, scene, size=128, steps=2, settings=BASELINE)
    assert result.size == (128, 96) and mean_abs(result, scene.resize((128, 96))) > 0.001


@pytest.mark.training
def test_decoder_training_smoke(tiny_data, tmp_path):
    weights_dir = run_training("training.train_stylizer", tiny_data, tmp_path, "--size", "64", "--batch", "2")
    assert (weights_dir / "style_decoder.pt").exists() and (weights_dir / "manifest.json").exists()
