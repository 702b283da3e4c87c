"""What every training script shares: its standard flags, set-up, and resumable checkpoints."""
import argparse
import math
import random
import time
from pathlib import Path

import torch

from artstudio.weights import read_manifest, sha256_of


def standard_arguments(parser: argparse.ArgumentParser, *, steps: int, batch: int, lr: float, run_dir: str,
                       size: int | None = None) -> None:
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--batch", type=int, default=batch)
    parser.add_argument("--lr", type=float, default=lr)
    if size is not None:
        parser.add_argument("--size", type=int, default=size)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="images used (0 = all), for smoke runs")
    parser.add_argument("--run-dir", type=Path, default=Path(run_dir), help="checkpoints and sample grids")
    parser.add_argument("--weights-dir", type=Path, default=None, help="where to write the weights (default weights/)")


def cosine_lr(opt: torch.optim.Optimizer, peak: float, step: int, steps: int, warmup: int = 0) -> None:
    """Set every group's learning rate on a cosine from `peak` at step 0 to zero at `steps`, after an
    optional linear warm-up of `warmup` steps."""
    scale = min(1.0, (step + 1) / warmup) if warmup else 1.0
    for group in opt.param_groups:
        group["lr"] = peak * scale * 0.5 * (1 + math.cos(step / steps * math.pi))


def set_up(args: argparse.Namespace) -> random.Random:
    """Seed everything, set the thread count, make the run folder; returns the data-sampling RNG."""
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    return random.Random(args.seed)


def save_checkpoint(path: Path, parts: dict, step: int, rng: random.Random) -> None:
    """`parts` maps names to modules or optimisers; written atomically."""
    state = {name: part.state_dict() for name, part in parts.items()}
    state.update(step=step, rng=rng, torch_rng=torch.get_rng_state())
    torch.save(state, path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)


def load_checkpoint(path: Path, parts: dict, rng: random.Random) -> tuple[int, random.Random]:
    """Restore `parts` from `path` if it exists; returns (step, rng) to continue from. A part the checkpoint
    lacks (one a later leg adds, such as a second discriminator) keeps its fresh initial state."""
    if not path.exists():
        return 0, rng
    state = torch.load(path, weights_only=False)  # our own file: holds a Python RNG object
    for name, part in parts.items():
        if name in state:
            part.load_state_dict(state[name])
        else:
            print(f"{name} is not in {path}: it starts fresh (a part added for this leg)", flush=True)
    torch.set_rng_state(state["torch_rng"])
    print(f"resumed from {path} at step {state['step']}", flush=True)
    return state["step"], state.get("rng", rng)


def warm_start(module: torch.nn.Module, path: Path) -> str:
    """Load a shipped weights file (fp16 state dict) into `module` for a new leg; returns the recipe words.

    Layers the file lacks (the network has grown since it was shipped) keep their fresh initialisation
    and are named in the recipe; weights the network lacks are an error."""
    loaded = module.load_state_dict({k: v.float() for k, v in torch.load(path, weights_only=True).items()},
                                    strict=False)
    if loaded.unexpected_keys:
        raise ValueError(f"{path} holds weights the network lacks: {', '.join(loaded.unexpected_keys)}")
    words = f"--init {path} (sha256 {sha256_of(path)[:12]})"
    new_layers = sorted({key.rsplit(".", 1)[0] for key in loaded.missing_keys})
    return f"{words} with new layers {', '.join(new_layers)}" if new_layers else words


def steps_behind(weights: Path | None) -> int:
    """Training steps already in a warm-start file, from its manifest entry (0 when starting fresh)."""
    if weights is None:
        return 0
    return read_manifest(weights.parent).get(weights.name, {}).get("metrics", {}).get("train_steps", 0)


class ProgressLog:
    """Prints the losses averaged over the last `every` steps, and the time per step."""

    def __init__(self, every: int = 20) -> None:
        self.every = every
        self._reset()

    def _reset(self) -> None:
        self.start, self.sums, self.count = time.time(), {}, 0

    def __call__(self, step: int, **losses: float) -> None:
        for name, value in losses.items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.count += 1
        if step % self.every:
            return
        figures = " ".join(f"{name} {total / self.count:.4f}" for name, total in self.sums.items())
        print(f"step {step} {figures} {(time.time() - self.start) / self.count:.2f}s/step", flush=True)
        self._reset()


class RecipeLog:
    """The settings of each leg of a resumed run, stored in its checkpoint (it has the state_dict
    protocol of the other checkpoint parts) so the manifest's recipe tells the whole story. A resume
    with unchanged settings continues the current leg. `init` (the warm start's recipe words) and
    `earlier_steps` (the steps already in its weights) are fixed when the run begins: the file may be
    overwritten by the run's own export before a resume."""

    def __init__(self) -> None:
        self.legs: list[tuple[int, str]] = []
        self.init = ""
        self.earlier_steps = 0

    def state_dict(self) -> dict:
        return {"legs": self.legs, "init": self.init, "earlier_steps": self.earlier_steps}

    def load_state_dict(self, state: dict) -> None:
        self.legs = [tuple(leg) for leg in state["legs"]]
        self.init = state.get("init", "")
        self.earlier_steps = state.get("earlier_steps", 0)

    def warm_start(self, module: torch.nn.Module, path: Path) -> None:
        """Load `path` into `module` as the run begins, noting its recipe words and the steps it holds."""
        self.init = warm_start(module, path)
        self.earlier_steps = steps_behind(path)

    def start(self, step: int, settings: str) -> None:
        """Open a leg at `step` unless the last one ran with the same settings (the warm start's words added)."""
        settings = f"{settings} {self.init}".strip()
        if not self.legs or self.legs[-1][1] != settings:
            self.legs.append((step, settings))

    def __str__(self) -> str:
        return "; ".join(f"from step {step}: {settings}" for step, settings in self.legs)
