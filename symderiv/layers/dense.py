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
from ..render.sheet import MATRIX_BUDGET, MAX_COLUMNS, size_text, tex_escape
from ._checks import count, count_text, quoting
from ._input import InputActivated, activation_text, input_activation

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck, GradientElement
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
        return self._with_z_sheet(view, _sheet)


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


# ---------------------------------------------------------------------------
# the sheet
# ---------------------------------------------------------------------------


def _names(s: LinearSpec) -> dict[str, str]:
    """How a closed form names one sample's columns: x, δ (with (n) for a batch)."""
    if s.batch > 1:
        return {"x": "{x^{(n)}}", "delta": r"{\delta^{(n)}}", "W": "W", "M": "M"}
    return {"x": "x", "delta": r"\delta", "W": "W", "M": "M"}


def _closed_form_latex(s: LinearSpec, c: ClosedFormCheck) -> str:
    names = _names(s)
    body = c.formula.latex(names)
    batch = s.batch > 1
    if c.of == "A":
        lhs = "x^{(n)}" if batch else "x"
        return rf"\frac{{\partial E}}{{\partial {lhs}}} = {body}"
    total = r"\sum_{n} " if batch and c.stated_in != MATRIX_ROUTE else ""
    return rf"\frac{{\partial E}}{{\partial {c.of}}} = {total}{body}"


_HEADINGS = {
    ("W", NOTES): r"$\partial E/\partial W$, the notes' form $\delta x^{\mathsf{T}}$.",
    ("W", MATRIX_ROUTE): (
        r"$\partial E/\partial W$ by the matrix differential: $M$ read off "
        r"$\mathrm{d}E = \operatorname{tr}(M\, \mathrm{d}W)$ (previous section)."
    ),
    ("b", NOTES): r"$\partial E/\partial b$: the sensitivity $\delta$ itself.",
    ("A", NOTES): (
        r"$\partial E/\partial x$, passed back to the layer below: $W^{\mathsf{T}}\delta$."
    ),
    ("W", TRANSPOSED): (
        r"A known mistake: $x \delta^{\mathsf{T}}$, the transpose of the weight gradient."
    ),
    ("A", NO_TRANSPOSE): r"A known mistake: $W \delta$, the transpose of $W$ forgotten.",
}


def _matrix(view: SheetView, M: np.ndarray) -> str | None:
    """A bmatrix of M, or None when it is too wide for the page."""
    rows = tuple(tuple(row) for row in M.tolist())
    if len(rows[0]) > MAX_COLUMNS or view.matrix_width(rows) > MATRIX_BUDGET - 12:
        return None
    return view.p.matrix(rows)


def _differential_section(s: LinearSpec, view: SheetView) -> dict[str, Any]:
    d = view.d
    record = d.exhibits["differential"]
    M: np.ndarray = record["M"]
    batch = s.batch > 1
    i_, o_ = s.in_features, s.out_features
    x, delta = ("{x^{(n)}}", r"\delta^{(n)}") if batch else ("x", r"\delta")
    delta_t = r"\delta^{(n)\mathsf{T}}" if batch else r"\delta^{\mathsf{T}}"
    total = r"\sum_{n} " if batch else ""
    dE_rows = [row.replace(" dW_", r"\, " + _D + "W_") for row in view.rows(record["terms"])]
    forward = rf"{total}{delta_t}\, {_D}W\, {x}"
    trace = (
        rf"{total}\operatorname{{tr}}\left({delta_t}\, {_D}W\, {x}\right) = "
        rf"\operatorname{{tr}}\left(\Big({total}{x}\, {delta_t}\Big)\, {_D}W\right)"
        if batch
        else rf"\operatorname{{tr}}\left({delta_t}\, {_D}W\, {x}\right) = "
        rf"\operatorname{{tr}}\left({x}\, {delta_t}\, {_D}W\right)"
    )
    x_delta = rf"{total}{x}\, {delta_t}"
    m_matrix = _matrix(view, M)
    mt_matrix = _matrix(view, M.T)
    m_rows = []
    if record["M_is_x_delta_t"]:
        m_rows.append(x_delta)
    if m_matrix is not None:
        m_rows.append(m_matrix)
    gradient = [r"M" + _T]
    if record["M_is_x_delta_t"]:
        gradient.append(rf"{total}{delta}\, {x}{_T}")
    if mt_matrix is not None:
        gradient.append(mt_matrix)
    check = next(c for c in d.closed_forms if c.stated_in == MATRIX_ROUTE)
    if check.holds:
        verdict = (
            f"**Proved:** $M^{{\\mathsf{{T}}}}$, read off the differential, equals the chain "
            f"rule's $\\partial E/\\partial W_{{ji}}$ at all {check.checked} elements (as "
            "expanded polynomials): the two routes agree."
        )
    else:
        verdict = (
            "**NOT proved:** $M^{\\mathsf{T}}$ differs from the chain rule's "
            f"$\\partial E/\\partial W$ at {check.failures} of {check.checked} elements."
        )
    sample = "each sample's" if batch else "the"
    return {
        "kind": "matrix_differential",
        "heading": "The matrix differential (the notes' route)",
        "intro": (
            "The notes write the differential of a scalar function of a matrix in the "
            "Jacobian layout:\nfor $X$ of size $m \\times n$, "
            "$\\mathrm{D}_X f = \\partial f/\\partial X^{\\mathsf{T}}$ is $n \\times m$ and\n"
            "$\\mathrm{d}f = \\operatorname{tr}(\\mathrm{D}_X f\\, \\mathrm{d}X)$. "
            "So once $\\mathrm{d}E = \\operatorname{tr}(M\\, \\mathrm{d}W)$,\n"
            "$\\partial E/\\partial W = M^{\\mathsf{T}}$. "
            f"Here ${x}$ is {sample} {i_} inputs and ${delta}$ its {o_} deltas, as columns."
        ),
        "steps": [
            {
                "text": (
                    "Vary $W$ alone ($x$ and $b$ held fixed): "
                    "$\\mathrm{d}u = \\mathrm{d}W\\, x$ with $\\mathrm{d}W$ a\nmatrix of "
                    "differentials $\\mathrm{d}W_{ji}$, and "
                    "$\\mathrm{d}E = \\sum_j \\delta_j\\, \\mathrm{d}u_j = "
                    f"{forward}$" + (", summed over the samples:" if batch else ":")
                ),
                "equations": [{"lhs": _D + "E", "rows": dE_rows}],
            },
            {
                "text": (
                    "A scalar is its own trace, and the trace does not change when its factors "
                    "are rotated:"
                ),
                "equations": [{"lhs": _D + "E", "rows": [trace]}],
            },
            {
                "text": (
                    f"so $M$ is ${i_} \\times {o_}$; read off $\\mathrm{{d}}E$ above, "
                    "$M_{ij}$ is the coefficient of $\\mathrm{d}W_{ji}$"
                    + (
                        ""
                        if m_matrix is not None
                        else " (too wide to print here; the expansion above holds it)"
                    )
                    + ":"
                ),
                "equations": [{"lhs": "M", "rows": [" = ".join(m_rows) or "M"]}],
            },
            {
                "text": (
                    "In the Jacobian layout "
                    "$\\partial E/\\partial W^{\\mathsf{T}} = M$, so the weight gradient is"
                ),
                "equations": [
                    {"lhs": r"\frac{\partial E}{\partial W}", "rows": [" = ".join(gradient)]}
                ],
            },
        ],
        "verdict": verdict,
    }


def _sheet(s: LinearSpec, view: SheetView) -> dict[str, Any]:
    d = view.d
    batch = s.batch > 1
    sup = "^{(n)}" if batch else ""
    definition = rf"u = W x + b: \qquad Z{sup}_{{j}} = \sum_{{i}} W_{{ji}}\, A{sup}_{{i}} + b_{{j}}"
    x = "A^{(n)}" if batch else "A"
    layer_section = {
        "kind": "layer",
        "heading": "The layer",
        "intro": [
            "A fully-connected layer (PyTorch's `torch.nn.functional.linear`), in the "
            "notes' form\n$u = Wx + b$ for each sample:"
        ],
        "definition": definition,
        "notes": [
            f"Here $x = {x}$ is "
            + ("one sample's" if batch else "the")
            + f" {s.in_features} input"
            + ("s" if s.in_features > 1 else "")
            + f" as a column and $u = Z{sup}$ its {s.out_features} output"
            + ("s" if s.out_features > 1 else "")
            + f"; $W$ is ${s.out_features} \\times {s.in_features}$, output by input "
            "(PyTorch's layout)"
            + (f", shared by the {s.batch} samples of the batch." if batch else ".")
        ],
        "size_rules": [],
        "more_notes": [],
        "groups": None,
        "cross_ref": False,
        "tensors": view.tensor_rows(),
        "output": {"letter": "Z", "shape": size_text(s.shapes()["Z"])},
        "closing": (
            "$D = \\partial E/\\partial Z$ is the delta: the notes' sensitivity "
            "$\\delta = \\partial E/\\partial u$.\nIndices start at 0"
            + (
                "; a superscript in parentheses gives the sample, the subscript the feature."
                if batch
                else "; the subscript gives the feature ($W_{ji}$: output $j$, input $i$)."
            )
        ),
    }
    chain = (
        "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
        "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
        "derivative below was computed by SymPy from the forward expressions."
    )
    contributions = []
    for g in d.gradients_of("W"):
        pairs = [
            rf"{view.p._print(c.derivative)} \to {view.sym('Z', c.output)}" for c in g.contributions
        ]
        contributions.append({"symbol": view.sym("W", g.index), "pairs": pairs})
    bias_intro = (
        "Every output $j$ contains $b_{j}$ with coefficient 1, so the bias gradient is the "
        "delta" + (", summed over the batch:" if batch else " itself:")
    )
    forms = [
        view.closed_form(c, _closed_form_latex(s, c), _HEADINGS[(c.of, c.stated_in)])
        for c in d.closed_forms
    ]
    sections = [
        layer_section,
        view.forward_section(),
        {
            "kind": "contributions",
            "heading": "Contribution table",
            "intro": "Which input each weight multiplies, to produce which output element:",
            "column": "weight",
            "rows": contributions,
        },
        {
            "kind": "elements",
            "heading": "Weight gradient",
            "intro": chain,
            "intro_md": chain,
            "layout": "lines",
            "equations": [view.equation(g) for g in d.gradients_of("W")],
            "after": [],
        },
        {
            "kind": "elements",
            "heading": "Bias gradient",
            "intro": bias_intro,
            "intro_md": bias_intro,
            "layout": "aligned",
            "equations": [view.equation(g) for g in d.gradients_of("b")],
            "after": [],
        },
        {
            "kind": "elements",
            "heading": "Input gradient",
            "intro": None,
            "intro_md": None,
            "layout": "lines",
            "equations": [view.equation(g) for g in d.gradients_of("A")],
            "after": [{"kind": "activation_delta", "index": "i"}],
        },
        _differential_section(s, view),
        {
            "kind": "closed_forms",
            "heading": "Closed forms, proved",
            "intro": (
                "Each closed form below was built from matrix products and transposes of one "
                "sample's columns\n$x$ and $\\delta$ (and $W$), independently of the derivation, "
                "and compared with the\nderived elements one by one as expanded polynomials"
                + (", after summing over the batch where the formula sums." if batch else ".")
            ),
            "legend": None,
            "group_note": None,
            "per_map": False,
            "forms": forms,
        },
        {
            "kind": "numeric",
            "heading": "Numeric cross-check",
            "numeric": view.numeric(),
            "sampling": "uniform in $[-1, 1)$",
            "verdict": "every gradient above was derived by the chain rule, the notes' closed "
            "forms\nand the matrix-differential route were proved equal to it exactly, and the "
            "numbers agree.",
        },
    ]
    text_title = f"linear: {s.in_features} → {s.out_features} features" + (
        f", batch {s.batch}" if batch else ""
    )
    command = (
        f"symderiv derive linear --in-features {s.in_features} --out-features {s.out_features}"
    )
    if batch:
        command += f" --batch {s.batch}"
    return {
        "title": tex_escape(text_title).replace("→", r"$\to$"),
        "title_text": text_title,
        "command": command,
        "sections": sections,
    }
