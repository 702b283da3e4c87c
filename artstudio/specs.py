"""Each task's parameters, written down once: type, range or choices, default, the words the UI shows
and the CLI flag. The tabs, the CLI (its options are made from these), artstudio.jobs (and so the
Ray batch path) and the recipe checker all read the same definition, so they cannot drift apart
(IOPaint's InpaintRequest plays this part there).

Pure data: no torch, no Gradio, so `artstudio --help` stays fast and every layer may import it.
"""
import argparse
import math
from dataclasses import dataclass
from typing import Any

from artstudio.recipe import Check, boolean, finite, integer, one_of


def plain(value: float) -> str:
    """A limit as people write it: 2147483647, 0.5 (never 2.14748e+09)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Param:
    """One parameter. `choices` (when given) or `low`..`high` are the values accepted everywhere;
    `flag` is its CLI option (None: not on the command line); `ui_label` the control's longer caption."""
    name: str
    label: str
    kind: type
    default: Any = None
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    flag: str | None = None
    help: str = ""
    ui_label: str = ""
    required: bool = False
    ui_default: Any = None

    @property
    def caption(self) -> str:
        return self.ui_label or self.label

    @property
    def start(self) -> Any:
        """The control's starting value: the default, unless the UI starts elsewhere (`ui_default`)."""
        return self.default if self.ui_default is None else self.ui_default

    def check(self, value: Any, label: str = "") -> Any:
        """`value` (from the UI, the API or the CLI: a number may arrive as text) as this parameter's
        type, or ValueError with a sentence naming the field and what it accepts."""
        label = label or self.label
        if self.choices:
            if isinstance(value, (dict, list)) or value not in self.choices:
                raise ValueError(f"{label} must be one of: {', '.join(map(str, self.choices))}; got {value!r}.")
            return value
        if self.kind is bool:
            return bool(value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{label} must be a number between {plain(self.low)} and {plain(self.high)}, "
                             f"not {value!r}.") from None
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise ValueError(f"{label} must be between {plain(self.low)} and {plain(self.high)}; got {value!r}.")
        if self.kind is int:
            if number != int(number):
                raise ValueError(f"{label} must be a whole number; got {value!r}.")
            return int(number)
        return number

    def recipe_check(self) -> Check:
        """The strict check for a recipe read from a file (JSON types, no text for numbers)."""
        if self.choices:
            return one_of(self.choices)
        if self.kind is bool:
            return boolean
        return integer(self.low, self.high) if self.kind is int else finite(self.low, self.high)

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        text = self.help or self.label
        if self.kind is bool:
            parser.add_argument(self.flag, dest=self.name, action="store_true", help=text)
            return
        limits = [f"{plain(self.low)}-{plain(self.high)}"] if not self.choices and self.low is not None else []
        if self.default is not None and "default" not in text:
            limits.append(f"default {self.default}")
        if limits:
            text += f" ({', '.join(limits)})"
        parser.add_argument(self.flag, dest=self.name, type=self.kind, default=self.default,
                            choices=list(self.choices) or None, required=self.required, help=text)


@dataclass(frozen=True)
class TaskSpec:
    name: str
    params: tuple[Param, ...]

    def __getitem__(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        for param in self.params:
            if param.flag:
                param.add_to(parser)

    def check_arguments(self, options: argparse.Namespace) -> None:
        """Every CLI option in its range (argparse checks types and choices); ValueError naming the flag."""
        for param in self.params:
            if param.flag and not param.choices and param.kind is not bool:
                param.check(getattr(options, param.name), param.flag)

    def cli_arguments(self, params: dict[str, Any]) -> list[str]:
        """The CLI options that redo a recipe's settings (those the CLI takes)."""
        arguments = []
        for param in self.params:
            if param.flag and param.name in params:
                value = params[param.name]
                arguments += ([param.flag] if value else []) if param.kind is bool else [param.flag, str(value)]
        return arguments

    def recipe_fields(self, *names: str) -> dict[str, Check]:
        """The recipe checks of the named parameters (all of them when none is named)."""
        return {p.name: p.recipe_check() for p in self.params if not names or p.name in names}


MAX_SEED = 2**31 - 1

CLASSIFY = TaskSpec("classify", (
    Param("top", "Movements to show", int, 3, 1, 100, flag="--top", help="how many labels to list"),
))

GENERATE = TaskSpec("generate", (
    Param("seed", "Seed", int, 0, 0, MAX_SEED, flag="--seed", help="the first seed"),
    Param("truncation", "Truncation", float, 1.0, 0, 1, flag="--truncation",
          help="1 = the full variety (default), lower = more typical",
          ui_label="Truncation (lower = more typical; re-renders the painting)"),
    Param("slider", "Slider", float, 0.0, -3, 3),
    Param("frames", "Frames", int, 8, 3, 32),
))

STYLIZE = TaskSpec("stylize", (
    Param("strength", "Strength", float, 1.0, 0, 1, flag="--strength",
          help="0 = the content, 1 = the full style", ui_label="Strength (0 = content, 1 = full style)"),
    Param("size", "Output long side", int, 512, 64, 1024, flag="--size", help="output long side in px",
          ui_label="Output long side (px)"),
    Param("mode", "Mode", str, "fast", choices=("fast", "detailed"), flag="--mode",
          help="fast: one network pass; detailed: then refined by optimisation"),
    Param("steps", "Refine steps", int, 40, 10, 200, flag="--steps", help="optimisation steps in detailed mode"),
    Param("preserve_color", "Keep the content's colours", bool, False, flag="--preserve-color"),
    Param("weight", "Weight", float, 1.0, 0, 1),
))
STYLE_SIZES = (256, 384, 512, 768, 1024)      # the UI's suggestions; any size in the range is accepted

INPAINT = TaskSpec("inpaint", (
    Param("method", "Method", str, "network", choices=("network", "classical"), flag="--method",
          help="the trained network (default: measures better) or the classical harmonic fill"),
))

RESTORE = TaskSpec("restore", (
    Param("task", "What to do", str, None, choices=("denoise", "upscale", "auto"), flag="--task", required=True,
          help="denoise: clean at the same size; upscale: enlarge a clean picture; "
               "auto: clean and enlarge in one pass (blur, noise, JPEG, small size)"),
    Param("scale", "Enlargement", int, 4, choices=(1, 2, 4), flag="--scale",
          help="enlargement: 2 or 4 for upscale, 1, 2 or 4 for auto (default 4)"),
    Param("strength", "Cleaning strength", float, 1.0, 0, 1, flag="--strength",
          help="how much to clean: 0 = none, 1 = full", ui_label="Cleaning strength (0 = leave as it is)",
          ui_default=0.7),      # the tab starts gentler: full strength smooths fine grain and dotted brushwork
    Param("upscaler", "Upscaler", str, "fast", choices=("fast", "sharp", "detailed"), flag="--model",
          help="upscaler: fast (trained here, faithful), sharp (trained here, draws strokes and texture) "
               "or detailed (Real-ESRGAN x4plus, about 60x slower)"),
))

MAX_UPSCALE_INPUT = 2048 * 2048        # an x4 output of a larger picture would pass 128 megapixels


@dataclass(frozen=True)
class RestoreJob:
    """What to do to one picture: clean it (strength 0-1, 0 = skip), then enlarge by `scale` (1 = no)
    with the `upscaler` ("fast", "sharp" or "detailed")."""
    clean: float = 0.0
    scale: int = 1
    upscaler: str = "fast"

    @property
    def task(self) -> str:
        """The CLI's name for the job, as recipes record it: denoise, upscale or auto (both)."""
        return "denoise" if self.scale == 1 else "upscale" if self.clean == 0 else "auto"

    def recipe_params(self, size: tuple[int, int]) -> dict:
        """The recipe's settings, the same from the tab, the CLI and a batch (artstudio/specs.py RESTORE)."""
        return {"task": self.task, "strength": self.clean, "scale": self.scale, "upscaler": self.upscaler,
                "input_size": list(size)}

    def validate(self, size: tuple[int, int]) -> None:
        """ValueError unless every setting is one RESTORE accepts and the picture is small enough to enlarge."""
        RESTORE["strength"].check(self.clean)
        RESTORE["scale"].check(self.scale)
        RESTORE["upscaler"].check(self.upscaler)
        if self.scale > 1 and size[0] * size[1] > MAX_UPSCALE_INPUT:
            raise ValueError(f"The picture is {size[0]}x{size[1]} px; enlarging works on pictures up to "
                             f"{MAX_UPSCALE_INPUT // 1_000_000} megapixels (e.g. 2048x2048). Crop it first.")


SPECS = {spec.name: spec for spec in (CLASSIFY, GENERATE, STYLIZE, INPAINT, RESTORE)}
