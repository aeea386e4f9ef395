"""The fully-connected (dense) layer, PyTorch's ``linear``: u = W x + b for each sample.

Tensors in PyTorch's layout: the input ``A`` (N, in), one row per sample (the
notes' x); the weight ``W`` (out, in); the bias ``b`` (out); the output ``Z`` and
its delta ``D = dE/dZ`` (N, out), the notes' sensitivity δ:

    Z[n, j] = sum_i W[j, i] · A[n, i] + b[j]

Besides the chain rule element by element, the weight gradient is derived by
the notes' matrix differential (seed 001, the Jacobian layout: for X m×n,
D_X f = ∂f/∂Xᵀ is n×m and df = tr(D_X f · dX)): with x and b held fixed,
du = dW x and dE = Σ_n δ⁽ⁿ⁾ᵀ du⁽ⁿ⁾; the matrix M with dE = tr(M dW) is read off
(M[i, j] is the coefficient of dW[j, i]) and ∂E/∂W = Mᵀ.  Both routes are
proved equal element by element, and to the closed form δ xᵀ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.layer import Claim, Layer
from ..core.model import Element, Term
from ..core.prove import equal_exactly
from ..core.symbols import Notation, SymbolTensor
from ..formulas import operators as ops
from ..formulas.nodes import MatMul, Transpose, Var
from ._checks import count, count_text, quoting
from ._input import InputActivated, activation_text, input_activation

if TYPE_CHECKING:
    from ..core.model import GradientElement
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = ["LINEAR_OPTIONS", "LinearSpec", "differential", "from_options", "linear"]

_ONE = sympy.Integer(1)
_T = r"^{\mathsf{T}}"
_D = r"\mathrm{d}"

# Where each claim belongs, as the JSON's ``stated_in`` names it.
NOTES = "the notes"
MATRIX_ROUTE = "matrix differential"
TRANSPOSED = "x delta^T: the transpose of the gradient"
NO_TRANSPOSE = "W delta: the transpose of W forgotten"


def _column(row: np.ndarray) -> np.ndarray:
    """One sample's row as a column vector (a 2-D array with one column)."""
    return row.reshape(-1, 1)


def differential(
    A: np.ndarray, D: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, tuple[Term, ...], np.ndarray]:
    """The notes' matrix route for ∂E/∂W, on symbolic arrays A (N, in) and D (N, out).

    Returns the differentials dW (out, in) as symbols ``dW[j,i]``, the terms of
    dE = Σ_n δ⁽ⁿ⁾ᵀ (dW x⁽ⁿ⁾) (ordered by dW index, then sample) and M (in, out)
    with dE = tr(M dW), read off dE: M[i, j] is the coefficient of dW[j, i].
    """
    out, inn = shape
    dW = np.empty(shape, dtype=object)
    for j, i in product(range(out), range(inn)):
        dW[j, i] = sympy.Symbol(f"dW[{j},{i}]", real=True)
    where = {dW[j, i]: (j, i) for j, i in product(range(out), range(inn))}
    by_dw: dict[tuple[int, int], list[Term]] = {}
    for n in range(A.shape[0]):
        du = ops.matmul(dW, _column(A[n]))  # du = dW x, an (out, 1) column
        for j in range(out):
            for mono in sympy.Add.make_args(sympy.expand(D[n, j] * du[j, 0])):
                coeff, factors = mono.as_coeff_mul()
                marks = [f for f in factors if f in where]
                if len(marks) != 1:
                    raise ValueError(f"dE is not linear in dW: {mono}")
                rest = tuple(f for f in factors if f is not marks[0])
                term = Term(sympy.Rational(coeff), (*sorted(rest, key=str), marks[0]))
                by_dw.setdefault(where[marks[0]], []).append(term)
    terms = tuple(t for key in sorted(by_dw) for t in by_dw[key])
    M = np.empty((inn, out), dtype=object)
    for i, j in product(range(inn), range(out)):
        M[i, j] = sympy.Add(*(t.coeff * sympy.Mul(*t.factors[:-1]) for t in by_dw.get((j, i), [])))
    return dW, terms, M


@dataclass(frozen=True)
class LinearSpec(InputActivated, Layer):
    """A fully-connected layer, u = W x + b per sample (PyTorch's ``linear``).

    Build one with :func:`linear`; every field is checked on construction.
    """

    in_features: int = 3
    out_features: int = 2
    batch: int = 1
    input_activation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_activation", input_activation(self.input_activation))
        count(self.in_features, "in_features")
        count(self.out_features, "out_features")
        count(self.batch, "batch")

    # ---- the layer protocol ---------------------------------------------
    @property
    def kind(self) -> str:
        return "linear"

    def label(self) -> str:
        """``linear_in3_out2`` (``_n4`` for a batch of 4)."""
        stem = f"linear_in{self.in_features}_out{self.out_features}"
        return self._with_z_label(stem + (f"_n{self.batch}" if self.batch > 1 else ""))

    def describe(self) -> dict[str, Any]:
        return self._with_z_describe(
            {
                "kind": self.kind,
                "in_features": self.in_features,
                "out_features": self.out_features,
            }
        )

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Full PyTorch-layout shapes of A, W, b, D and Z."""
        n, i, o = self.batch, self.in_features, self.out_features
        return {"A": (n, i), "W": (o, i), "b": (o,), "D": (n, o), "Z": (n, o)}

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        roles = {"A": "input", "W": "weight", "b": "bias", "D": "delta"}
        return self._with_z({letter: (role, shapes[letter]) for letter, role in roles.items()})

    def wrt(self) -> tuple[str, ...]:
        return self._with_z_wrt(("W", "b", "A"))

    def notation(self) -> Notation:
        shapes = {**self.shapes(), "dW": self.shapes()["W"]}
        notation = Notation.for_shapes(shapes, {"A": 1, "W": 2, "b": 1, "D": 1, "Z": 1, "dW": 2})
        return self._with_z_notation(notation)

    def predicted_terms(self) -> int:
        """Forward products and biases, the three gradients, every claim's products
        (the matrix route builds dE twice: once for its proof, once for the sheet) and
        every symbol, the differentials included."""
        n, i, o = self.batch, self.in_features, self.out_features
        p = n * i * o
        forward = p + n * o
        gradients = 2 * p + n * o
        # delta x^T, x delta^T, W^T delta, W delta (as large as either shape allows),
        # b, and the matrix route: du, dE and M, twice.
        closed = 3 * p + n * o * max(i, o) + n * o + 2 * 3 * p
        symbols = n * i + 2 * o * i + o + n * o
        total = forward + gradients + closed + symbols
        return sum(self._with_z_work({"plain layer": total}, 3 * p + n * o + o).values())

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        A, W, b = tensors["A"], tensors["W"], tensors["b"]
        out = []
        for n, j in product(range(self.batch), range(self.out_features)):
            terms = [Term(_ONE, (A[(n, i)], W[(j, i)])) for i in range(self.in_features)]
            terms.append(Term(_ONE, (b[(j,)],)))
            expr = sympy.Add(*(t.expr() for t in terms))
            out.append(Element(tensor="Z", index=(n, j), terms=tuple(terms), expr=expr))
        return tuple(out)

    def claims(self) -> tuple[Claim, ...]:
        delta, x, W = Var("delta"), Var("x"), Var("W")
        return self._with_z_claims((
            Claim("W", MatMul(delta, Transpose(x)), NOTES),
            Claim("W", Transpose(Var("M")), MATRIX_ROUTE),
            Claim("b", delta, NOTES),
            Claim("A", MatMul(Transpose(W), delta), NOTES),
            Claim("W", MatMul(x, Transpose(delta)), TRANSPOSED, expected=False),
            Claim("A", MatMul(W, delta), NO_TRANSPOSE, expected=False),
        ))

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """Per sample (x = A[n] and δ = D[n] as columns), summed over the batch for W
        and b; the matrix route's M is read off the whole batch's dE at once."""
        A, W, D = tensors["A"].array(), tensors["W"].array(), tensors["D"].array()
        n_, i_, o_ = self.batch, self.in_features, self.out_features
        names = {node.name for node in claim.formula.walk() if isinstance(node, Var)}
        z = tensors["z"].array() if "z" in names else None  # an activated input's z

        def env(n: int) -> dict[str, np.ndarray]:
            out = {"x": _column(A[n]), "delta": _column(D[n]), "W": W}
            return out if z is None else {**out, "z": _column(z[n])}

        try:
            if "M" in names:
                parts = [claim.formula.evaluate({"M": differential(A, D, (o_, i_))[2]})]
            else:
                parts = [claim.formula.evaluate(env(n)) for n in range(n_)]
        except ValueError as exc:
            raise ValueError(f"The shapes do not fit: {exc}") from None
        wanted = {"W": (o_, i_), "b": (o_, 1), "A": (i_, 1), "z": (i_, 1)}[claim.of]
        for part in parts:
            if part.shape != wanted:
                raise ValueError(
                    f"The formula gives a {part.shape} matrix, the gradient is {wanted}"
                )
        out: dict[tuple[int, ...], sympy.Expr] = {}
        if claim.of == "W":
            for j, i in product(range(o_), range(i_)):
                out[(j, i)] = sympy.Add(*(part[j, i] for part in parts))
        elif claim.of == "b":
            for j in range(o_):
                out[(j,)] = sympy.Add(*(part[j, 0] for part in parts))
        else:
            for n, i in product(range(n_), range(i_)):
                out[(n, i)] = parts[n][i, 0]
        return out

    def scope(self, of: str) -> Scope:
        """One sample, x and δ as columns, as in the notes (``delta @ x^T``)."""
        from ..formulas.bind import Scope

        i_, o_ = self.in_features, self.out_features
        target = {"W": (o_, i_), "b": (o_, 1), "A": (i_, 1), "z": (i_, 1)}[of]
        scope = Scope(
            maps={"x": (i_, 1), "delta": (o_, 1), "W": (o_, i_)},
            target=target,
            of=of,
            aliases={"A": "x", "D": "delta", "d": "delta", "w": "W"},
            hint="x = A (a column), delta = δ = D (a column)",
        )
        return self._with_z_scope(scope, (i_, 1), "x")

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Uniform values in [-1, 1) for A, W, b and D, drawn in that order."""
        rng = np.random.default_rng(seed)
        shapes = self.shapes()
        values = {x: rng.uniform(-1.0, 1.0, shapes[x]) for x in ("A", "W", "b", "D")}
        return self._with_z_values(values, seed)

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The textbook loops: Z = W x + b per sample; dW += δ_j x_i, db += δ_j,
        dx_i += W_ji δ_j."""
        A, W, b, D = arrays["A"], arrays["W"], arrays["b"], arrays["D"]
        Z = np.zeros((self.batch, self.out_features))
        dW = np.zeros((self.out_features, self.in_features))
        db = np.zeros(self.out_features)
        dA = np.zeros((self.batch, self.in_features))
        for n in range(self.batch):
            for j in range(self.out_features):
                Z[n, j] = b[j]
                db[j] += D[n, j]
                for i in range(self.in_features):
                    Z[n, j] += W[j, i] * A[n, i]
                    dW[j, i] += D[n, j] * A[n, i]
                    dA[n, i] += W[j, i] * D[n, j]
        return self._with_z_reference({"Z": Z, "W": dW, "b": db, "A": dA}, arrays)

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        """The matrix route, for the sheet: dE, M, and whether M is x δᵀ exactly."""
        A, D = tensors["A"].array(), tensors["D"].array()
        dW, terms, M = differential(A, D, (self.out_features, self.in_features))
        products = [
            ops.matmul(_column(A[n]), ops.transpose(_column(D[n]))) for n in range(self.batch)
        ]
        same = all(
            equal_exactly(M[idx], sympy.Add(*(p[idx] for p in products)))
            for idx in np.ndindex(M.shape)
        )
        return {"differential": {"dW": dW, "terms": terms, "M": M, "M_is_x_delta_t": same}}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .dense_sheet import dense_sheet

        return self._with_z_sheet(view, dense_sheet)


def linear(
    in_features: int = 3,
    out_features: int = 2,
    batch: int = 1,
    input_activation: str | None = None,
) -> LinearSpec:
    """A fully-connected layer (PyTorch's ``torch.nn.functional.linear``):
    ``u = W x + b`` for each of ``batch`` samples of ``in_features`` inputs
    (``input_activation``: the input is x = f(z), and dE/dz is derived too).

    >>> linear(in_features=3, out_features=2).label()
    'linear_in3_out2'
    """
    return LinearSpec(
        in_features=in_features,
        out_features=out_features,
        batch=batch,
        input_activation=input_activation,
    )


LINEAR_OPTIONS = ("--in-features", "--out-features", "--batch", "--input-activation")
"""The command-line options of ``linear``."""


def from_options(typed: Mapping[str, str]) -> LinearSpec:
    """A linear layer from the options as typed on the command line (only those given)."""
    shown = {
        "in_features": ("--in-features", typed.get("--in-features", "3")),
        "out_features": ("--out-features", typed.get("--out-features", "2")),
        "batch": ("--batch", typed.get("--batch", "1")),
    }
    activated = activation_text(typed)
    return quoting(
        shown,
        lambda: LinearSpec(
            **{field: count_text(text, option) for field, (option, text) in shown.items()},
            input_activation=activated,
        ),
    )
