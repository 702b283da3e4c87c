"""The classifier's backbone layouts and the ensemble's weight grid."""
import pytest
import torch

from artstudio.nets.efficientnet_lite import LITE0_STAGES, LITE2_STAGES, block_channels
from artstudio.nets.movement_net import LITE0, LITE2, EfficientMovementNet, MovementNet
from training.fuse_classifiers import simplex


def test_lite_layouts_split_at_stage_ends():
    """Statistics come from the last block of stages 2-5 and the tail starts at stage 6, in both sizes."""
    for layout, stages in ((LITE0, LITE0_STAGES), (LITE2, LITE2_STAGES)):
        ends = [sum(r for r, *_ in stages[:i + 1]) - 1 for i in range(len(stages))]
        assert layout.stat_blocks == tuple(ends[1:5])
        assert layout.tail_start == ends[4] + 1
        assert len(block_channels(stages)) == ends[-1] + 1
    assert LITE0.stat_channels == 24 + 40 + 80 + 112     # what the shipped Lite0 head was trained with


@pytest.mark.parametrize("layout", [LITE0, LITE2])
def test_an_efficient_movement_net_gives_one_logit_per_movement(layout):
    net = EfficientMovementNet(11, layout).eval()
    with torch.no_grad():
        trunk, stats = net.trunk_and_stats(torch.rand(2, 3, 96, 128))
        assert stats.shape == (2, 2 * layout.stat_channels)
        assert net.head(trunk, stats).shape == (2, 11)


@pytest.mark.parametrize("network", [lambda: MovementNet(11), lambda: EfficientMovementNet(11, LITE2)])
def test_the_trunk_run_in_two_pieces_gives_what_one_pass_gives(network):
    """Training with --tune-from caches the trunk up to a block and runs the rest live: the pieces must agree."""
    net = network().eval()
    rgb = torch.rand(2, 3, 96, 128)
    with torch.no_grad():
        whole, whole_stats = net.trunk_and_stats(rgb)
        for first in (5, 11, len(net.trunk_blocks)):
            cached, before = net.run_trunk(net.enter(rgb), 0, first)
            out, after = net.run_trunk(cached, first)
            torch.testing.assert_close(out, whole)
            torch.testing.assert_close(torch.cat([before, after], 1), whole_stats)


def test_fine_tuned_trunk_blocks_load_over_the_imagenet_ones():
    net = EfficientMovementNet(11, LITE0)
    tuned = {k: torch.full_like(v, 0.5) for k, v in net.trunk_blocks.state_dict().items()
             if k.startswith("9.") and v.is_floating_point()}
    net.load_tuned_trunk(tuned)
    assert all((net.trunk_blocks.state_dict()[k] == 0.5).all() for k in tuned)
    assert not (net.trunk_blocks.state_dict()["8._bn2.weight"] == 0.5).all()
    with pytest.raises(ValueError):
        net.load_tuned_trunk({"fc.weight": torch.zeros(11, 1)})


def test_the_weight_grid_covers_the_simplex():
    grid = simplex(3)
    assert len(grid) == 231 and len(set(grid)) == 231
    assert all(abs(sum(w) - 1) < 1e-9 and min(w) >= 0 for w in grid)
    assert (1.0, 0.0, 0.0) in grid and (0.0, 0.0, 1.0) in grid
