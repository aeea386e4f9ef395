"""Bouvrie's subsampling layer: Z_j = β_j · down(A_j) + b_j.

Each output map is the sum of the non-overlapping n×n blocks of its input map
(``down``, not a mean), times a multiplicative bias β_j, plus an additive bias
b_j; maps are not mixed.  The notes write x_j = f(β_j down(x_j^{l-1}) + b_j):
here Z is the argument of f, and the activation is a layer of its own.

Tensors (PyTorch layout): A (N, C, H, W), beta (C), b (C), D = dE/dZ and
Z (N, C, H/n_h, W/n_w).  The notes' gradients, summed over the batch:

    dE/db_j    = sum_{n,u,v} D[n,j,u,v]
    dE/dbeta_j = sum_{n,u,v} (D[n,j] ∘ down(A[n,j]))[u,v]
    dE/dA[n,j] = beta_j · up(D[n,j])      (up = Kronecker product with ones)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.layer import Claim, Layer
from ..core.model import Element, Term
from ..core.symbols import Notation
from ..exceptions import SpecError
from ..formulas.nodes import Down, Hadamard, Number, Scale, SumAll, Up, Var
from ..sizes import parse_size
from ._bouvrie import count, fail, pair, size_label, zero_d
from ._input import InputActivated, activation_text, input_activation
from .conv.spec import count_text

if TYPE_CHECKING:
    from ..core.symbols import SymbolTensor
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = ["SUBSAMPLE_OPTIONS", "Subsample2d", "from_options", "subsample2d"]

SUBSAMPLE_OPTIONS = ("--input", "--scale", "--in-channels", "--batch", "--input-activation")
"""The command-line options of ``subsample2d``."""

DEFAULT_INPUT = (4, 4)
DEFAULT_SCALE = (2, 2)
_AXIS_NOUNS = (("row", "rows"), ("column", "columns"))
_ONE = sympy.Integer(1)


@dataclass(frozen=True)
class Subsample2d(InputActivated, Layer):
    """Bouvrie's subsampling layer on ``in_channels`` maps of size ``input``:
    block sums over ``scale`` blocks, a multiplicative bias β and an additive
    bias b per map.  Build one with :func:`subsample2d`."""

    input: tuple[int, int] = DEFAULT_INPUT
    scale: tuple[int, int] = DEFAULT_SCALE
    in_channels: int = 1
    batch: int = 1
    input_activation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_activation", input_activation(self.input_activation))
        given = self.scale
        object.__setattr__(self, "input", pair(self.input, "input"))
        object.__setattr__(self, "scale", pair(self.scale, "scale"))
        count(self.in_channels, "in_channels")
        count(self.batch, "batch")
        for h, s, (one, many) in zip(self.input, self.scale, _AXIS_NOUNS, strict=True):
            if h % s:
                noun = f"{h} {one} is" if h == 1 else f"{h} {many} are"
                raise fail(
                    "scale",
                    given,
                    f"does not divide the input {size_label(self.input)!r} ({noun} not a "
                    f"multiple of {s})",
                )

    # ---- sizes -----------------------------------------------------------
    @property
    def kind(self) -> str:
        return "subsample2d"

    @property
    def output(self) -> tuple[int, int]:
        """The output map size, H/n_h × W/n_w."""
        return (self.input[0] // self.scale[0], self.input[1] // self.scale[1])

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Full PyTorch-layout shapes of A, beta, b, D and Z."""
        n, c = self.batch, self.in_channels
        return {
            "A": (n, c, *self.input),
            "beta": (c,),
            "b": (c,),
            "D": (n, c, *self.output),
            "Z": (n, c, *self.output),
        }

    def label(self) -> str:
        """``subsample2d_4x4_scale2x2`` (``_c2`` for 2 maps, ``_n2`` for a batch of 2)."""
        parts = [self.kind, size_label(self.input), "scale" + size_label(self.scale)]
        if self.in_channels > 1:
            parts.append(f"c{self.in_channels}")
        if self.batch > 1:
            parts.append(f"n{self.batch}")
        return self._with_z_label("_".join(parts))

    def describe(self) -> dict[str, Any]:
        block = {"kind": self.kind, "scale": list(self.scale), "down": "block sum"}
        return self._with_z_describe(block)

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        return self._with_z({letter: (role, shapes[letter]) for letter, role in _ROLES.items()})

    def wrt(self) -> tuple[str, ...]:
        return self._with_z_wrt(("b", "beta", "A"))

    def notation(self) -> Notation:
        notation = Notation.for_shapes(self.shapes(), {"A": 2, "D": 2, "Z": 2})
        return self._with_z_notation(notation)

    def predicted_terms(self) -> int:
        """Forward (β·A products and biases), the b, β and A gradients, the five
        closed forms (three notes' forms and two mistakes on A), and the symbols."""
        p = self.batch * self.in_channels * self.input[0] * self.input[1]
        o = self.batch * self.in_channels * self.output[0] * self.output[1]
        forward = p + o
        gradients = o + p + p
        closed = o + p + 3 * p
        symbols = p + 2 * self.in_channels + o
        total = forward + gradients + closed + symbols
        return sum(self._with_z_work({"plain layer": total}, 2 * p + o).values())

    # ---- the derivation ----------------------------------------------------
    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        """Z[n,j,u,v] = β_j · Σ_{p,q} A[n, j, n_h u + p, n_w v + q] + b_j, row-major."""
        A, beta, b = tensors["A"], tensors["beta"], tensors["b"]
        sh, sw = self.scale
        out = []
        for n, j, u, v in product(
            range(self.batch), range(self.in_channels), *(range(o) for o in self.output)
        ):
            terms = [
                Term(_ONE, (beta[(j,)], A[(n, j, sh * u + p, sw * v + q)]))
                for p, q in product(range(sh), range(sw))
            ]
            terms.append(Term(_ONE, (b[(j,)],)))
            expr = sympy.Add(*(t.expr() for t in terms))
            out.append(Element(tensor="Z", index=(n, j, u, v), terms=tuple(terms), expr=expr))
        return tuple(out)

    def claims(self) -> tuple[Claim, ...]:
        blocks = self.scale[0] * self.scale[1]
        up = Up(Var("D"), self.scale)
        return self._with_z_claims((
            Claim("b", SumAll(Var("D"), 2), "Bouvrie"),
            Claim("beta", SumAll(Hadamard(Var("D"), Down(Var("A"), self.scale)), 2), "Bouvrie"),
            Claim("A", Scale(Var("beta"), up), "Bouvrie"),
            Claim("A", up, "up-samples the delta without beta", expected=False),
            Claim(
                "A",
                Scale(Number(sympy.Rational(1, blocks)), Scale(Var("beta"), up)),
                f"divides by {blocks}, as mean pooling does (down sums, it does not average)",
                expected=False,
            ),
        ))

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """Per map j: b and β sum the formula over the batch; A is one map per (n, j)."""
        A, beta, D = tensors["A"].array(), tensors["beta"].array(), tensors["D"].array()
        used = {node.name for node in claim.formula.walk() if isinstance(node, Var)}
        z = tensors["z"].array() if "z" in used else None  # an activated input's z
        out: dict[tuple[int, ...], sympy.Expr] = {}

        def value(n: int, j: int) -> np.ndarray:
            env = {"A": A[n, j], "D": D[n, j], "beta": zero_d(beta[j])}
            return claim.formula.evaluate(env if z is None else {**env, "z": z[n, j]})

        for j in range(self.in_channels):
            maps = [value(n, j) for n in range(self.batch)]
            want = self.input if claim.of in ("A", "z") else ()
            for m in maps:
                if m.shape != want:
                    raise ValueError(f"The formula gives a {m.shape} map, the gradient is {want}")
            if claim.of in ("A", "z"):
                for n, m in enumerate(maps):
                    for pos in np.ndindex(*want):
                        out[(n, j, *pos)] = m[pos]
            elif claim.of in ("b", "beta"):
                out[(j,)] = sympy.Add(*(m[()] for m in maps))
            else:
                raise ValueError(f"no closed form for {claim.of!r}")
        return out

    def scope(self, of: str) -> Scope:
        """One map j: A_j, D_j and the scalar β_j; dE/dA_j is a map, dE/dβ_j and dE/db_j
        are scalars (the layer sums them over the batch)."""
        from ..formulas.bind import Scope

        maps = {"A": self.input, "D": self.output, "beta": ()}
        scope = Scope(maps=maps, target=self.input if of in ("A", "z") else (), of=of,
                      hint="x = A, delta = δ = D, β = beta")
        return self._with_z_scope(scope, self.input)

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Uniform values in [-1, 1) for A, beta, b and D, drawn in that order."""
        rng = np.random.default_rng(seed)
        shapes = self.shapes()
        values = {x: rng.uniform(-1.0, 1.0, shapes[x]) for x in ("A", "beta", "b", "D")}
        return self._with_z_values(values, seed)

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Plain loops: every input element adds β·A into its block's output, and
        takes back β times that output's delta."""
        A, beta, b, D = (np.asarray(arrays[x], dtype=float) for x in ("A", "beta", "b", "D"))
        N, C, H, W = A.shape
        sh, sw = self.scale
        Z = np.zeros(D.shape)
        dA, dbeta, db = np.zeros(A.shape), np.zeros(C), np.zeros(C)
        for n in range(N):
            for j in range(C):
                for u in range(H // sh):
                    for v in range(W // sw):
                        Z[n, j, u, v] = b[j]
                        db[j] += D[n, j, u, v]
                for i in range(H):
                    for k in range(W):
                        Z[n, j, i // sh, k // sw] += beta[j] * A[n, j, i, k]
                        dbeta[j] += D[n, j, i // sh, k // sw] * A[n, j, i, k]
                        dA[n, j, i, k] = beta[j] * D[n, j, i // sh, k // sw]
        return self._with_z_reference({"Z": Z, "b": db, "beta": dbeta, "A": dA}, arrays)

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .subsample_sheet import subsample_sheet

        return self._with_z_sheet(view, subsample_sheet)


_ROLES = {"A": "input", "beta": "multiplicative bias", "b": "additive bias", "D": "delta"}


# ---------------------------------------------------------------------------
# construction: Python API and command line
# ---------------------------------------------------------------------------


def subsample2d(
    input: int | str | Sequence[int] = DEFAULT_INPUT,
    scale: int | str | Sequence[int] = DEFAULT_SCALE,
    in_channels: int = 1,
    batch: int = 1,
    input_activation: str | None = None,
) -> Subsample2d:
    """Bouvrie's subsampling layer (default: one 4×4 map, 2×2 blocks; ``input_activation``:
    the input is x = f(u), and dE/du is derived too, as ``z``).

    >>> subsample2d(input=(6, 4), scale=2).output
    (3, 2)
    """
    return Subsample2d(
        input=input,  # type: ignore[arg-type]
        scale=scale,  # type: ignore[arg-type]
        in_channels=in_channels,
        batch=batch,
        input_activation=input_activation,
    )


def from_options(typed: Mapping[str, str]) -> Subsample2d:
    """The layer from the options as typed (only those given); errors quote the
    option and its text as typed."""
    shown = {
        "input": ("--input", typed.get("--input", size_label(DEFAULT_INPUT))),
        "scale": ("--scale", typed.get("--scale", size_label(DEFAULT_SCALE))),
    }
    try:
        return Subsample2d(
            input=parse_size(shown["input"][1], "--input", 2),  # type: ignore[arg-type]
            scale=parse_size(shown["scale"][1], "--scale", 2),  # type: ignore[arg-type]
            in_channels=count_text(typed.get("--in-channels", "1"), "--in-channels"),
            batch=count_text(typed.get("--batch", "1"), "--batch"),
            input_activation=activation_text(typed),
        )
    except SpecError as exc:
        if exc.field not in shown or exc.rule is None:
            raise
        option, text = shown[exc.field]
        raise SpecError(f"{option} {text!r}: {exc.rule}") from None
