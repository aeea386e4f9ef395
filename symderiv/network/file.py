"""Reading a network file (TOML) and checking it, stage by stage, as the shapes chain.

Every problem is one line that names the file, the layer (``layer 3``, or ``layer 3,
branch layer 2`` inside a residual block) and the field, quotes the value as the file
wrote it, and says what would be valid.  The layer kinds' own option parsers check the
options (the keys are the command line's options with ``_`` for ``-``), so a network
accepts exactly what ``symderiv derive KIND`` accepts, and says it the same way.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from math import prod
from pathlib import Path
from typing import Any

from ..exceptions import SpecError, quoted
from ..layers import KINDS, option_text
from ..layers.conv.spec import CONVENTIONS
from .spec import Block, Network, Param, Stage, Step, shape_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["NETWORK_KINDS", "load", "read_toml"]

LOSSES = ("squared_error", "softmax_cross_entropy")
TOP_KEYS = ("name", "input", "loss", "convention", "layers")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
POST_ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")
_SET_BY_NETWORK = {
    "input": "set by the shapes: the input of a layer is the output of the one before",
    "batch": "set by the network's input shape (its first entry)",
    "seed": "the switches come from the network's sample point (--seed)",
    "values": "the switches come from the network's sample point (--seed)",
    "ties": "the switches come from the network's sample point, where no values tie",
    "output_padding": "only transposed convolutions have one, and a network has none",
    "input_activation": "a network's activations are layers of their own, before this one",
}


def _dims(kind: str) -> int | None:
    """The spatial axes a kind works on (None: any shape)."""
    if kind.startswith(("conv", "avg_pool", "max_pool")):
        return int(kind[-2])
    if kind == "subsample2d":
        return 2
    if kind == "linear":
        return 0
    return None


NETWORK_KINDS: tuple[str, ...] = (
    "conv1d",
    "conv2d",
    "conv3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "subsample2d",
    "linear",
    *ACTIVATIONS,
    "flatten",
    "residual",
)
"""The kinds a network file's layers may have."""

_SPATIAL = {0: "(N, features)", 1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def keys_of(kind: str) -> tuple[str, ...]:
    """The keys a layer of ``kind`` takes in a network file."""
    if kind == "flatten":
        return ()
    if kind == "residual":
        return ("shortcut", "post_activation", "branch")
    options = [o[2:].replace("-", "_") for o in KINDS[kind].options]
    return tuple(o for o in options if o not in _SET_BY_NETWORK)


def literal(value: object) -> str:
    """A value as TOML writes it: ``3``, ``[2, 2]``, ``"relu"``, ``true``."""
    if isinstance(value, (str, bool, int, float, list)) and not isinstance(value, dict):
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {literal(v)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Where:
    """The start of every message about one place in the file."""

    def __init__(self, source: str, place: str = "", kind: str | None = None):
        self.source, self.place, self.kind = source, place, kind

    def prefix(self) -> str:
        out = self.source + ": "
        if self.place:
            out += self.place + (f" ({self.kind})" if self.kind else "") + ": "
        return out

    def error(self, text: str) -> SpecError:
        return SpecError(self.prefix() + text)

    def field(self, key: str, value: object, rule: str) -> SpecError:
        return SpecError(f"{self.prefix()}{key} = {literal(value)}: {rule}", field=key, rule=rule)


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def read_toml(path: str | Path) -> dict[str, Any]:
    """The file's contents; a file that cannot be read, or is not TOML, is one line
    naming it (and quoting the line TOML stumbled on)."""
    source = str(path)
    where = _Where(source)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise where.error(f"cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise where.error("not TOML (not UTF-8 text)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        if found:
            lines = text.splitlines()
            number = int(found.group(1))
            line = lines[number - 1] if 0 < number <= len(lines) else ""
            raise where.error(
                f"not TOML: line {number}: {quoted(line.strip())}: {reason} "
                f"(column {found.group(2)})"
            ) from None
        raise where.error(f"not TOML: {reason} (at the end of the file)") from None


def load(source: object, *, seed: int = 0) -> Network:
    """A network from a path to a TOML file or from a dict of its contents."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SpecError(f"seed {quoted(seed)}: expected a non-negative integer, such as 0")
    if isinstance(source, Mapping):
        return build(dict(source), "<network>", seed=seed)
    if isinstance(source, (str, Path)):
        return build(read_toml(source), str(source), seed=seed)
    raise SpecError(
        f"network {quoted(source)}: expected the path of a TOML file, or a dict of its contents"
    )


# ---------------------------------------------------------------------------
# checking and chaining the shapes
# ---------------------------------------------------------------------------


def _count(where: _Where, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise where.field(key, value, "expected a positive integer")
    if value >= 10**6:
        raise where.field(key, value, "expected at most 999999")
    return value


def build(doc: dict[str, Any], source: str, *, seed: int = 0) -> Network:
    """Check the file's contents and chain its layers' shapes into a :class:`Network`."""
    top = _Where(source)
    unknown = [k for k in doc if k not in TOP_KEYS]
    if unknown:
        raise top.error(
            f"key {quoted(unknown[0])}: not a network key; a network file has "
            + ", ".join(TOP_KEYS)
        )
    name = doc.get("name", Path(source).stem if source.endswith(".toml") else "network")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise top.field("name", name, "expected a name (a string of 1 to 200 characters)")
    if "input" not in doc:
        raise top.error(
            "input: missing; give the shape of x, (N, C, H, W) or (N, features), "
            "e.g. input = [1, 1, 6, 6]"
        )
    shape = doc["input"]
    if not isinstance(shape, list) or not 2 <= len(shape) <= 5:
        raise top.field(
            "input", shape, "expected a list of 2 to 5 sizes: (N, features), (N, C, H, W), …"
        )
    shape = tuple(_count(top, "input", v) for v in shape)
    if "loss" not in doc:
        raise top.error(f"loss: missing; expected {' or '.join(map(json.dumps, LOSSES))}")
    loss_kind = doc["loss"]
    if not isinstance(loss_kind, str) or loss_kind not in LOSSES:
        raise top.field("loss", loss_kind, f"expected {' or '.join(map(json.dumps, LOSSES))}")
    convention = doc.get("convention", "correlation")
    if not isinstance(convention, str) or convention not in CONVENTIONS:
        raise top.field(
            "convention", convention, f"expected {' or '.join(map(json.dumps, CONVENTIONS))}"
        )
    layers = doc.get("layers")
    if layers is None:
        raise top.error("layers: missing; add [[layers]] tables, each with a kind")
    if not isinstance(layers, list) or not layers or not all(isinstance(x, dict) for x in layers):
        raise top.field("layers", layers, "expected [[layers]] tables, each with a kind")
    steps: list[Step] = []
    current: tuple[int, ...] = shape
    for i, table in enumerate(layers, 1):
        step = _step(source, str(i), f"layer {i}", table, current, convention)
        steps.append(step)
        current = step.out_shape
    loss = _loss(top, loss_kind, current, steps[-1])
    names = [p.name for s in steps for st in s.stages() for p in st.params]
    assert len(names) == len(set(names)), names
    return Network(
        name=name.strip(),
        source=source,
        input=shape,
        loss=loss,
        convention=convention,
        steps=tuple(steps),
        document=doc,
        seed=seed,
    )


def _loss(where: _Where, kind: str, shape: tuple[int, ...], last: Step) -> Any:
    from ..layers.loss import LossSpec

    if len(shape) != 2:
        raise where.field(
            "loss",
            kind,
            f"the network's output (layer {last.label}) has shape {shape_text(shape)}; a loss "
            "takes (N, features): end with flatten and linear",
        )
    try:
        return LossSpec(kind, shape[1], shape[0])
    except SpecError as exc:
        raise where.field("loss", kind, f"the output has shape {shape_text(shape)}: "
                          f"{exc.rule or exc}") from None


def _kind(where: _Where, table: Mapping[str, Any], allowed: tuple[str, ...]) -> str:
    if "kind" not in table:
        raise where.error(f"kind: missing; expected one of {', '.join(allowed)}")
    kind = table["kind"]
    if not isinstance(kind, str) or kind not in allowed:
        rule = f"expected one of {', '.join(allowed)}"
        if isinstance(kind, str) and kind in LOSSES:
            rule = "a loss is the file's top-level `loss`, not a layer"
        elif isinstance(kind, str) and kind in KINDS:
            rule = f"not available in a network yet; expected one of {', '.join(allowed)}"
        elif kind == "residual":
            rule = "a residual block cannot sit inside another's branch"
        raise where.field("kind", kind, rule)
    return kind


def _step(
    source: str,
    number: str,
    place: str,
    table: Mapping[str, Any],
    shape: tuple[int, ...],
    convention: str,
    allowed: tuple[str, ...] = NETWORK_KINDS,
) -> Step:
    kind = _kind(_Where(source, place), table, allowed)
    where = _Where(source, place, kind)
    keys = keys_of(kind)
    for key in table:
        if key == "kind" or key in keys:
            continue
        if key in _SET_BY_NETWORK:
            raise where.field(key, table[key], _SET_BY_NETWORK[key])
        takes = ", ".join(keys) if keys else "no other key"
        raise where.error(f"key {quoted(key)}: {kind} does not take it; it takes {takes}")
    if kind == "residual":
        return _block(source, number, where, table, shape, convention)
    options = tuple((k, v) for k, v in table.items() if k != "kind")
    dims = _dims(kind)
    if dims is not None and len(shape) != dims + 2:
        hint = "; add a flatten before it" if dims == 0 else ""
        raise where.error(
            f"its input has shape {shape_text(shape)}, but {kind} takes {_SPATIAL[dims]}{hint}"
        )
    if kind == "flatten":
        out = (shape[0], prod(shape[1:]))
        return Stage(number, kind, options, shape, out, None)
    return _stage(where, number, kind, options, shape, convention)


def _option_text(where: _Where, key: str, value: object) -> str:
    """A file's value as the command line would have typed it."""
    text = option_text(value)
    if text is not None:
        return text
    if isinstance(value, bool):
        raise where.field(key, value, "expected a number, a list of numbers or a string")
    raise where.field(key, value, "expected an integer, a list of integers or a string")


def _stage(
    where: _Where,
    number: str,
    kind: str,
    options: tuple[tuple[str, Any], ...],
    shape: tuple[int, ...],
    convention: str,
    *,
    bias_free: bool = False,
) -> Stage:
    """A stage of a layer kind: the kind's own parser builds its spec from the options as
    texts, with the input size, channels and batch read off the incoming shape."""
    given = dict(options)
    typed: dict[str, str] = {}
    for key, value in options:
        typed["--" + key.replace("_", "-")] = _option_text(where, key, value)
    batch = shape[0]
    if kind == "linear":
        inferred = {"--in-features": str(shape[1]), "--batch": str(batch)}
        key, have = "in_features", shape[1]
    else:
        spatial = shape[2:] if len(shape) > 2 else shape[1:]
        channels = shape[1] if len(shape) > 2 else 1
        inferred = {
            "--input": "x".join(map(str, spatial)),
            "--in-channels": str(channels),
            "--batch": str(batch),
        }
        key, have = "in_channels", channels
        if kind.startswith("conv") and "convention" not in given:
            typed["--convention"] = convention
    if key in given:
        value = given[key]
        if isinstance(value, bool) or not isinstance(value, int) or value != have:
            raise where.field(
                key,
                value,
                f"the shapes do not chain: the input has shape {shape_text(shape)}, so "
                f"{key} is {have}",
            )
    typed.update(inferred)
    try:
        layer = KINDS[kind].from_options(typed)
    except SpecError as exc:
        raise _requote(where, exc, typed, given, shape) from None
    tensors = layer.tensors()
    out_letter = "Z"
    out_shape = _output_shape(layer, shape)
    params = tuple(
        Param(
            name=f"{letter}{number}",
            letter=letter,
            role=role,
            shape=tensor_shape,
            stage=number,
        )
        for letter, (role, tensor_shape) in tensors.items()
        if letter not in ("A", "D", "s", out_letter) and not (bias_free and letter == "b")
    )
    return Stage(number, kind, options, shape, out_shape, layer, params, bias_free)


def _output_shape(layer: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The stage's output shape in the network's layout (an activation on (N, F) keeps it)."""
    kind = layer.kind
    if kind in ACTIVATIONS:
        return shape
    if kind == "linear":
        return (shape[0], layer.out_features)
    if kind.startswith("conv"):
        return (shape[0], layer.out_channels, *layer.output)
    return (shape[0], shape[1], *layer.output)


def _requote(
    where: _Where,
    exc: SpecError,
    typed: Mapping[str, str],
    given: Mapping[str, Any],
    shape: tuple[int, ...],
) -> SpecError:
    """The kind's message about ``--kernel '9'`` as the file's ``kernel = 9``."""
    message = str(exc)
    for key, value in given.items():
        option = "--" + key.replace("_", "-")
        text = typed.get(option)
        if text is None:
            continue
        for prefix in (f"{option} {quoted(text)}: ", f"{option} {text!r}: "):
            if message.startswith(prefix):
                rule = message[len(prefix) :]
                if "larger than the input" in rule:
                    rule += f" (the input has shape {shape_text(shape)})"
                return where.field(key, value, rule)
    return where.error(f"the input has shape {shape_text(shape)}: {message}")


def _block(
    source: str,
    number: str,
    where: _Where,
    table: Mapping[str, Any],
    shape: tuple[int, ...],
    convention: str,
) -> Block:
    if len(shape) < 3:
        raise where.error(
            f"its input has shape {shape_text(shape)}; a residual block works on maps "
            "(N, C, H, W): put it before the flatten"
        )
    shortcut = table.get("shortcut", "identity")
    if shortcut not in ("identity", "projection"):
        raise where.field("shortcut", shortcut, 'expected "identity" or "projection"')
    post_kind = table.get("post_activation")
    if post_kind is not None and post_kind not in POST_ACTIVATIONS:
        raise where.field(
            "post_activation", post_kind, f"expected one of {', '.join(POST_ACTIVATIONS)}"
        )
    branch_tables = table.get("branch")
    if branch_tables is None:
        raise where.error("branch: missing; add [[layers.branch]] tables, each with a kind")
    if not isinstance(branch_tables, list) or not branch_tables or not all(
        isinstance(t, dict) for t in branch_tables
    ):
        raise where.field("branch", branch_tables, "expected [[layers.branch]] tables")
    inner = tuple(k for k in NETWORK_KINDS if k not in ("residual", "flatten", "linear"))
    branch: list[Stage] = []
    current = shape
    for j, sub in enumerate(branch_tables, 1):
        place = f"{where.place}, branch layer {j}"
        step = _step(source, f"{number}_{j}", place, sub, current, convention, inner)
        assert isinstance(step, Stage)
        branch.append(step)
        current = step.out_shape
    projection = None
    if shortcut == "identity":
        if current != shape:
            raise where.field(
                "shortcut",
                shortcut,
                f"the branch maps {shape_text(shape)} to {shape_text(current)}; an identity "
                "shortcut needs the same shape: keep it, or use shortcut = \"projection\"",
            )
    else:
        projection = _projection(source, number, where, shape, current, convention)
    options = tuple((k, v) for k, v in table.items() if k not in ("kind", "branch"))
    post = None
    if post_kind is not None:
        post = _stage(_Where(source, where.place, post_kind), number, post_kind, (), current,
                      convention)
    return Block(number, options, shape, current, tuple(branch), shortcut, projection, post)


def _projection(
    source: str,
    number: str,
    where: _Where,
    shape: tuple[int, ...],
    target: tuple[int, ...],
    convention: str,
) -> Stage:
    """The 1×1 convolution Ks (no bias) that takes the block's input to the branch's
    output shape, strided when the branch makes the maps smaller."""
    if len(target) != len(shape):
        raise where.field(
            "shortcut",
            "projection",
            f"the branch maps {shape_text(shape)} to {shape_text(target)}; a projection "
            "keeps the number of axes",
        )
    strides = []
    for h, o in zip(shape[2:], target[2:], strict=True):
        s = next((s for s in range(1, h + 1) if (h - 1) // s + 1 == o), None)
        if s is None:
            raise where.field(
                "shortcut",
                "projection",
                f"the branch maps {shape_text(shape)} to {shape_text(target)}; no 1×1 "
                "convolution with a stride maps one to the other",
            )
        strides.append(s)
    ndim = len(shape) - 2
    options: tuple[tuple[str, Any], ...] = (
        ("out_channels", target[1]),
        ("kernel", 1),
        ("stride", strides),
    )
    stage = _stage(
        _Where(source, f"{where.place}, projection shortcut", f"conv{ndim}d"),
        f"s{number}",
        f"conv{ndim}d",
        options,
        shape,
        convention,
        bias_free=True,
    )
    assert stage.out_shape == target, (stage.out_shape, target)
    return stage
