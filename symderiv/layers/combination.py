"""Bouvrie's learned combination of feature maps: Z_j = Σ_i α_ji A_i, α_j· = softmax(c_j·).

Each output map is a weighted sum of the input maps, position by position, with
weights that are a softmax of free parameters c (so they are positive and sum
to 1 over the input maps).  c has shape (J, I), output by input, like a weight;
the notes index the other way round (their α_ij is α_ji here).

The forward pass is built from SymPy's own ``exp``, so the gradients with
respect to c are rational functions of the exponentials (not polynomials).
The notes differentiate through α:

    dE/dalpha_ji = sum_{n,u,v} D[n,j,u,v] A[n,i,u,v]                 (the α form)
    dE/dc_ji     = alpha_ji (dE/dalpha_ji - sum_k alpha_jk dE/dalpha_jk)
    dE/dA[n,i]   = sum_j alpha_ji D[n,j]

so a derivation derives dE/dc and dE/dA by the chain rule from the forward pass
in c, and dE/dalpha by the chain rule from the same forward pass written in α
(:class:`AlphaForm`), and proves all three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.chain import to_terms
from ..core.layer import DEFAULT_MAX_TERMS, Claim, Layer
from ..core.model import Element, NumericCheck, Term
from ..core.symbols import Notation
from ..formulas.nodes import Formula, Hadamard, Scale, Sum, SumAll, Var
from ..sizes import parse_size
from ._bouvrie import count, pair, size_label, zero_d
from .conv.spec import count_text

if TYPE_CHECKING:
    from ..core.model import Derivation, GradientElement
    from ..core.symbols import SymbolTensor
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = [
    "ALPHA_FORMULA",
    "MAP_COMBINATION_OPTIONS",
    "AlphaForm",
    "MapCombination",
    "from_options",
    "map_combination",
]

MAP_COMBINATION_OPTIONS = ("--input", "--in-channels", "--out-channels", "--batch")
"""The command-line options of ``map_combination``."""

DEFAULT_INPUT = (2, 2)
DEFAULT_CHANNELS = 2

ALPHA_FORMULA: Formula = SumAll(Hadamard(Var("D"), Var("A")), 2)
"""The notes' dE/dalpha_ji = sum_{u,v} (D_j ∘ A_i)_{uv}, for one batch element."""

# The softmax Jacobian, per element (j, i): alpha_ji (g_ji - sum_k alpha_jk g_jk),
# with g = dE/dalpha (vectors over the input maps k: alpha_j, dE/dalpha_j).
_C_FORMULA: Formula = Scale(
    Var("alpha_ji"),
    Sum(Var("dE/dalpha_ji"), SumAll(Hadamard(Var("alpha_j"), Var("dE/dalpha_j")), 1), -1),
)
_A_FORMULA: Formula = Scale(Var("alpha_ji"), Var("D"))


def _vector(values: Sequence[sympy.Expr]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def softmax_rows(c: np.ndarray) -> np.ndarray:
    """Numeric α: the softmax of each row of c (float64)."""
    e = np.exp(c - c.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class MapCombination(Layer):
    """Bouvrie's learned combination of ``in_channels`` maps into ``out_channels``
    maps of size ``input``, with weights α = softmax(c) row by row.  Build one
    with :func:`map_combination`."""

    input: tuple[int, int] = DEFAULT_INPUT
    in_channels: int = DEFAULT_CHANNELS
    out_channels: int = DEFAULT_CHANNELS
    batch: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "input", pair(self.input, "input"))
        count(self.in_channels, "in_channels")
        count(self.out_channels, "out_channels")
        count(self.batch, "batch")

    # ---- sizes -----------------------------------------------------------
    @property
    def kind(self) -> str:
        return "map_combination"

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Full shapes of A, c, alpha, D and Z."""
        n, i, j = self.batch, self.in_channels, self.out_channels
        return {
            "A": (n, i, *self.input),
            "c": (j, i),
            "alpha": (j, i),
            "D": (n, j, *self.input),
            "Z": (n, j, *self.input),
        }

    def label(self) -> str:
        """``map_combination_2x2_c2_m2`` (``_n2`` for a batch of 2)."""
        parts = [self.kind, size_label(self.input), f"c{self.in_channels}", f"m{self.out_channels}"]
        if self.batch > 1:
            parts.append(f"n{self.batch}")
        return "_".join(parts)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "alpha": "softmax(c, dim=1)"}

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        return {letter: (role, shapes[letter]) for letter, role in _ROLES.items()}

    def wrt(self) -> tuple[str, ...]:
        """c and A, derived from the forward pass in c; dE/dalpha comes from the
        α form (:meth:`alpha_form`) and is added by :meth:`derive`."""
        return ("c", "A")

    def notation(self) -> Notation:
        # S (J,) is the sheet's name for the softmax denominators, S_j = Σ_k exp(c_jk).
        return Notation.for_shapes(
            {**self.shapes(), "S": (self.out_channels,)},
            {"A": 2, "D": 2, "Z": 2, "c": 2, "alpha": 2, "S": 1},
        )

    def alpha_form(self) -> AlphaForm:
        """The same forward pass with α_ji as symbols, for dE/dalpha."""
        return AlphaForm(self)

    def predicted_terms(self) -> int:
        """Both derivations: the forward pass in c (I fractions per output), the
        c gradient (I + 1 fractions per contribution), the A gradient, their four
        closed forms, the α form (forward, gradient, closed form) and the symbols;
        and, for each c element and each of its three closed forms, the numerator
        that a proof by cancellation brings to the common denominator S_j² (about
        (I + 1)·I² terms per contribution): the refutations are the costly part."""
        i, j = self.in_channels, self.out_channels
        p = self.batch * self.input[0] * self.input[1]
        forward = j * p * i
        gradients = j * i * p * (i + 1) + i * p * j
        # c: p(i + 1) for the notes' form, p for each of the two mistakes; A: j per element
        closed = j * i * p * (i + 3) + i * p * j
        proofs = 3 * j * i * p * (i + 1) * i * i
        symbols = i * p + 2 * j * i + j * p
        alpha = self.alpha_form().predicted_terms()
        return forward + gradients + closed + proofs + symbols + alpha

    # ---- the derivation ----------------------------------------------------
    @staticmethod
    def alphas(c: SymbolTensor) -> list[list[sympy.Expr]]:
        """α_ji = exp(c_ji) / Σ_k exp(c_jk), built from SymPy's exp."""
        n_out, n_in = c.shape
        out = []
        for j in range(n_out):
            total = sympy.Add(*(sympy.exp(c[(j, k)]) for k in range(n_in)))
            out.append([sympy.exp(c[(j, i)]) / total for i in range(n_in)])
        return out

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        """Z[n,j,u,v] = Σ_i A[n,i,u,v] exp(c_ji) / Σ_k exp(c_jk), row-major."""
        A, alpha = tensors["A"], self.alphas(tensors["c"])
        out = []
        for n, j, u, v in product(
            range(self.batch), range(self.out_channels), *(range(h) for h in self.input)
        ):
            expr = sympy.Add(*(A[(n, i, u, v)] * alpha[j][i] for i in range(self.in_channels)))
            polynomial = bool(expr.is_polynomial())  # one input map: α = 1
            out.append(
                Element(
                    tensor="Z",
                    index=(n, j, u, v),
                    terms=to_terms(expr) if polynomial else (),
                    expr=expr,
                    polynomial=polynomial,
                )
            )
        return tuple(out)

    def claims(self) -> tuple[Claim, ...]:
        return (
            Claim("c", _C_FORMULA, "Bouvrie"),
            Claim(
                "c",
                Var("dE/dalpha_ji"),
                "forgets the softmax Jacobian (takes dE/dc to be dE/dalpha)",
                expected=False,
            ),
            Claim(
                "c",
                Scale(Var("alpha_ji"), Var("dE/dalpha_ji")),
                "keeps only the diagonal of the softmax Jacobian",
                expected=False,
            ),
            Claim("A", _A_FORMULA, "Bouvrie"),
        )

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """c: per element (j, i), with α written out and dE/dalpha given by the
        notes' formula summed over the batch; A: per map (n, i), summed over j."""
        A, D = tensors["A"].array(), tensors["D"].array()
        alpha = self.alphas(tensors["c"])
        n_in, n_out = self.in_channels, self.out_channels
        out: dict[tuple[int, ...], sympy.Expr] = {}
        used = {node.name for node in claim.formula.walk() if isinstance(node, Var)}
        if used & {"x", "delta", "alpha"} or any("_{" in name for name in used):
            return self._evaluate_user(claim, A, D, alpha)
        if claim.of == "c":
            g = [
                [
                    sympy.Add(
                        *(
                            ALPHA_FORMULA.evaluate({"D": D[n, j], "A": A[n, i]})[()]
                            for n in range(self.batch)
                        )
                    )
                    for i in range(n_in)
                ]
                for j in range(n_out)
            ]
            for j, i in product(range(n_out), range(n_in)):
                env = {
                    "alpha_ji": zero_d(alpha[j][i]),
                    "dE/dalpha_ji": zero_d(g[j][i]),
                    "alpha_j": _vector(alpha[j]),
                    "dE/dalpha_j": _vector(g[j]),
                }
                value = claim.formula.evaluate(env)
                if value.shape != ():
                    raise ValueError(f"The formula gives a {value.shape} map, the gradient is ()")
                out[(j, i)] = value[()]
        elif claim.of == "A":
            for n, i in product(range(self.batch), range(n_in)):
                parts = []
                for j in range(n_out):
                    part = claim.formula.evaluate({"alpha_ji": zero_d(alpha[j][i]), "D": D[n, j]})
                    if part.shape != self.input:
                        raise ValueError(
                            f"The formula gives a {part.shape} map, the gradient is {self.input}"
                        )
                    parts.append(part)
                for pos in np.ndindex(*self.input):
                    out[(n, i, *pos)] = sympy.Add(*(part[pos] for part in parts))
        else:
            raise ValueError(f"no closed form for {claim.of!r}")
        return out

    def _evaluate_user(
        self, claim: Claim, A: np.ndarray, D: np.ndarray, alpha: list[list[sympy.Expr]]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """A formula in the notes' names for one pair (j, i) of output and input map:
        x = A_i, delta = D_j, alpha = α_ji, and x_k, alpha_k = α_jk inside sum_k; dE/dc_ji
        is a scalar summed over the batch, dE/dA_i a map summed over the output maps j."""
        from ..formulas.bind import map_index

        n_in, n_out = self.in_channels, self.out_channels
        subscripted = [
            v.name for v in claim.formula.walk() if isinstance(v, Var) and "_{" in v.name
        ]

        def env(n: int, j: int, i: int) -> dict[str, np.ndarray]:
            out = {"x": A[n, i], "delta": D[n, j], "alpha": zero_d(alpha[j][i])}
            for name in subscripted:
                found = map_index(name, {"i": i, "j": j}, {"i": n_in, "k": n_in, "j": n_out})
                assert found is not None
                base, (k,) = found
                if not 0 <= k < (n_out if base == "delta" else n_in):
                    raise ValueError(f"{name} reads a map that does not exist")
                out[name] = {"x": A[n, k], "delta": D[n, k], "alpha": zero_d(alpha[j][k])}[base]
            return out

        want = () if claim.of == "c" else self.input
        out: dict[tuple[int, ...], sympy.Expr] = {}
        if claim.of == "c":
            for j, i in product(range(n_out), range(n_in)):
                parts = [claim.formula.evaluate(env(n, j, i)) for n in range(self.batch)]
                if any(p.shape != want for p in parts):
                    raise ValueError(
                        f"The formula gives a {parts[0].shape} map, the gradient is ()"
                    )
                out[(j, i)] = sympy.Add(*(p[()] for p in parts))
        elif claim.of == "A":
            for n, i in product(range(self.batch), range(n_in)):
                parts = [claim.formula.evaluate(env(n, j, i)) for j in range(n_out)]
                if any(p.shape != want for p in parts):
                    raise ValueError(
                        f"The formula gives a {parts[0].shape} map, the gradient is {want}"
                    )
                for pos in np.ndindex(*want):
                    out[(n, i, *pos)] = sympy.Add(*(p[pos] for p in parts))
        else:
            raise ValueError(f"no closed form for {claim.of!r}")
        return out

    def scope(self, of: str) -> Scope:
        """One pair (j, i) of output and input map, in Bouvrie's names: x = A_i, delta =
        D_j, alpha = α_ji (a scalar); inside ``sum_k(...)``, x_k and alpha_k = α_jk, so
        his ∂E/∂c_i = α_i (∂E/∂α_i − Σ_k α_k ∂E/∂α_k) reads
        ``alpha * (sum(delta .* x) - sum_k(alpha_k * sum(delta .* x_k)))``."""
        from ..exceptions import SpecError
        from ..formulas.bind import Scope

        if of not in ("c", "A"):
            raise SpecError(f"--for {of!r}: a formula of yours can give dE/dc or dE/dA")
        return Scope(
            maps={"x": self.input, "delta": self.input, "alpha": ()},
            target=() if of == "c" else self.input,
            of=of,
            aliases={"A": "x", "D": "delta", "d": "delta"},
            hint="x = A_i, delta = δ = D_j, alpha = α = α_ji; x_k, alpha_k inside sum_k(...)",
            indexed={"x": ("i",), "alpha": ("i",), "delta": ("j",)},
            counts={"i": self.in_channels, "j": self.out_channels, "k": self.in_channels},
            sums=("k",),
        )

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Uniform values in [-1, 1) for A, c and D, drawn in that order; α = softmax(c)."""
        rng = np.random.default_rng(seed)
        shapes = self.shapes()
        values = {x: rng.uniform(-1.0, 1.0, shapes[x]) for x in ("A", "c", "D")}
        values["alpha"] = softmax_rows(values["c"])
        return values

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Plain loops: α from c, the forward sum, dE/dalpha, then the softmax's
        backward pass dE/dc_ji = Σ_k dE/dalpha_jk · α_jk ([i = k] − α_ji)."""
        A, c, D = (np.asarray(arrays[x], dtype=float) for x in ("A", "c", "D"))
        N, n_in, H, W = A.shape
        n_out = c.shape[0]
        alpha = np.zeros((n_out, n_in))
        for j in range(n_out):
            total = sum(np.exp(c[j, k]) for k in range(n_in))
            for i in range(n_in):
                alpha[j, i] = np.exp(c[j, i]) / total
        Z, dA = np.zeros((N, n_out, H, W)), np.zeros(A.shape)
        dalpha, dc = np.zeros((n_out, n_in)), np.zeros((n_out, n_in))
        for n, j, i, u, v in product(range(N), range(n_out), range(n_in), range(H), range(W)):
            Z[n, j, u, v] += alpha[j, i] * A[n, i, u, v]
            dalpha[j, i] += D[n, j, u, v] * A[n, i, u, v]
            dA[n, i, u, v] += alpha[j, i] * D[n, j, u, v]
        for j, i, k in product(range(n_out), range(n_in), range(n_in)):
            dc[j, i] += dalpha[j, k] * alpha[j, k] * ((1.0 if i == k else 0.0) - alpha[j, i])
        return {"Z": Z, "c": dc, "A": dA, "alpha": dalpha}

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        return {"sparsity_gradient_is_zero": _sparsity_gradient_is_zero(tensors["c"])}

    def derive(
        self,
        *,
        max_terms: int = DEFAULT_MAX_TERMS,
        progress: bool = False,
        claims: Sequence[tuple[str, str]] = (),
    ) -> Derivation:
        """The pipeline on the forward pass in c (dE/dc, dE/dA) and on the α form
        (dE/dalpha), joined: every gradient, every proof and both numeric checks
        (at the same random values) count towards ``verified``."""
        from ..core.pipeline import check_size, derive

        check_size(self, max_terms)
        main = derive(self, max_terms=max_terms, progress=progress, claims=claims)
        alpha = derive(self.alpha_form(), max_terms=max_terms, progress=progress)
        errors = dict(main.numeric.max_error)
        for letter, error in alpha.numeric.max_error:
            errors[letter] = max(errors.get(letter, 0.0), error)
        order = ("Z", "alpha", *self.wrt())
        numeric = NumericCheck(
            seed=main.numeric.seed,
            tolerance=main.numeric.tolerance,
            max_error=tuple((x, errors[x]) for x in order),
        )
        return replace(
            main,
            gradients=alpha.gradients + main.gradients,
            closed_forms=alpha.closed_forms + main.closed_forms,
            numeric=numeric,
            exhibits={**main.exhibits, "alpha_forward": alpha.forward},
        )

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .combination_sheet import combination_sheet

        return combination_sheet(self, view)


_ROLES = {
    "A": "input maps",
    "c": "combination parameters",
    "alpha": "weights, softmax of c",
    "D": "delta",
}


def _sparsity_gradient_is_zero(c: SymbolTensor) -> bool:
    """Is the gradient of Σ_i |α_0i| with respect to every c_0i exactly 0?
    (Bouvrie's sparsity penalty, for a softmax.)"""
    alpha = MapCombination.alphas(c)[0]
    penalty = sympy.Add(*(sympy.Abs(a) for a in alpha))
    return all(
        sympy.cancel(sympy.together(sympy.diff(penalty, c[(0, i)]))) == 0 for i in range(c.shape[1])
    )


@dataclass(frozen=True)
class AlphaForm(Layer):
    """The forward pass of a :class:`MapCombination` with the weights α as symbols,
    Z_j = Σ_i α_ji A_i, whose chain rule gives dE/dalpha.  Not a layer kind of its
    own: :meth:`MapCombination.derive` runs it and joins the results."""

    parent: MapCombination

    @property
    def kind(self) -> str:
        return self.parent.kind

    def label(self) -> str:
        return self.parent.label() + "_alpha"

    def describe(self) -> dict[str, Any]:
        return self.parent.describe()

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.parent.shapes()
        return {x: (_ROLES[x], shapes[x]) for x in ("A", "alpha", "D")}

    def wrt(self) -> tuple[str, ...]:
        return ("alpha",)

    def notation(self) -> Notation:
        return self.parent.notation()

    def predicted_terms(self) -> int:
        """Forward, gradient and closed form: each J·I·N·H·W terms; and the symbols."""
        s = self.parent
        i, j = s.in_channels, s.out_channels
        p = s.batch * s.input[0] * s.input[1]
        return 3 * j * i * p + i * p + j * i + j * p

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        """Z[n,j,u,v] = Σ_i α_ji A[n,i,u,v], row-major."""
        A, alpha = tensors["A"], tensors["alpha"]
        s = self.parent
        out = []
        for n, j, u, v in product(
            range(s.batch), range(s.out_channels), *(range(h) for h in s.input)
        ):
            terms = tuple(
                Term(sympy.Integer(1), (alpha[(j, i)], A[(n, i, u, v)]))
                for i in range(s.in_channels)
            )
            expr = sympy.Add(*(t.expr() for t in terms))
            out.append(Element(tensor="Z", index=(n, j, u, v), terms=terms, expr=expr))
        return tuple(out)

    def claims(self) -> tuple[Claim, ...]:
        return (Claim("alpha", ALPHA_FORMULA, "Bouvrie"),)

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """Per element (j, i): the formula on (D_j, A_i), summed over the batch."""
        if claim.of != "alpha":
            raise ValueError(f"no closed form for {claim.of!r}")
        A, D = tensors["A"].array(), tensors["D"].array()
        s = self.parent
        out: dict[tuple[int, ...], sympy.Expr] = {}
        for j, i in product(range(s.out_channels), range(s.in_channels)):
            parts = [claim.formula.evaluate({"D": D[n, j], "A": A[n, i]}) for n in range(s.batch)]
            for part in parts:
                if part.shape != ():
                    raise ValueError(f"The formula gives a {part.shape} map, the gradient is ()")
            out[(j, i)] = sympy.Add(*(part[()] for part in parts))
        return out

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """The parent's A and D, and α = softmax of the parent's c: the same point."""
        values = self.parent.random_values(seed)
        return {x: values[x] for x in ("A", "alpha", "D")}

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        A, alpha, D = (np.asarray(arrays[x], dtype=float) for x in ("A", "alpha", "D"))
        N, n_in, H, W = A.shape
        n_out = alpha.shape[0]
        Z, dalpha = np.zeros((N, n_out, H, W)), np.zeros((n_out, n_in))
        for n, j, i, u, v in product(range(N), range(n_out), range(n_in), range(H), range(W)):
            Z[n, j, u, v] += alpha[j, i] * A[n, i, u, v]
            dalpha[j, i] += D[n, j, u, v] * A[n, i, u, v]
        return {"Z": Z, "alpha": dalpha}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        raise NotImplementedError("the α form is shown on its map_combination's sheet")


# ---------------------------------------------------------------------------
# construction: Python API and command line
# ---------------------------------------------------------------------------


def map_combination(
    input: int | str | Sequence[int] = DEFAULT_INPUT,
    in_channels: int = DEFAULT_CHANNELS,
    out_channels: int = DEFAULT_CHANNELS,
    batch: int = 1,
) -> MapCombination:
    """Bouvrie's learned map combination (default: 2 → 2 maps of 2×2).

    >>> map_combination(in_channels=3, out_channels=2).shapes()["c"]
    (2, 3)
    """
    return MapCombination(
        input=input,  # type: ignore[arg-type]
        in_channels=in_channels,
        out_channels=out_channels,
        batch=batch,
    )


def from_options(typed: Mapping[str, str]) -> MapCombination:
    """The layer from the options as typed (only those given)."""
    default = str(DEFAULT_CHANNELS)
    return MapCombination(
        input=parse_size(typed.get("--input", size_label(DEFAULT_INPUT)), "--input", 2),  # type: ignore[arg-type]
        in_channels=count_text(typed.get("--in-channels", default), "--in-channels"),
        out_channels=count_text(typed.get("--out-channels", default), "--out-channels"),
        batch=count_text(typed.get("--batch", "1"), "--batch"),
    )
