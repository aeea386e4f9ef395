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

from ..core.chain import to_terms
from ..core.layer import Claim, Layer
from ..core.model import Element, Term
from ..core.symbols import Notation, parse_name
from ..exceptions import SpecError
from ..formulas.nodes import Down, Hadamard, Number, Scale, SumAll, Up, Var
from ..render.printing import split_rows, term_width
from ..render.sheet import FIRST_ROW_BUDGET, MATRIX_BUDGET, ROW_BUDGET, size_text, tex_escape
from ..sizes import parse_size
from ._bouvrie import count, fail, pair, size_label, zero_d
from ._input import InputActivated, activation_text, input_activation
from .conv.spec import count_text

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck
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
        return self._with_z_sheet(view, _sheet)


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


# ---------------------------------------------------------------------------
# the sheet
# ---------------------------------------------------------------------------

_CLOSED_INTRO = (
    "Each closed form below was built from array operators ($\\operatorname{down}$, which sums "
    "each block;\n$\\otimes \\mathbf{1}$, the Kronecker product with a block of ones, the "
    "notes' $\\operatorname{up}$;\n$\\odot$, the element-wise product) independently of the "
    "derivation, and compared with the\nderived elements one by one as expanded polynomials."
)


def _title(s: Subsample2d) -> str:
    parts = [f"{size_text(s.input, '×')} input", f"{size_text(s.scale, '×')} blocks"]
    if s.in_channels > 1:
        parts.append(f"{s.in_channels} maps")
    if s.batch > 1:
        parts.append(f"batch {s.batch}")
    return f"{s.kind}: {', '.join(parts)}"


def _command(s: Subsample2d) -> str:
    args = [
        f"symderiv derive {s.kind}",
        f"--input {size_label(s.input)}",
        f"--scale {size_label(s.scale)}",
    ]
    if s.in_channels > 1:
        args.append(f"--in-channels {s.in_channels}")
    if s.batch > 1:
        args.append(f"--batch {s.batch}")
    return " ".join(args)


def _block(scale: tuple[int, int]) -> str:
    return r" \times ".join(map(str, scale))


def _definition(s: Subsample2d, view: SheetView) -> str:
    sh, sw = s.scale
    Z, A = view.map_name("Z", ("n", "j")), view.map_name("A", ("n", "j"))
    beta, b = view.map_name("beta", ("j",)), view.map_name("b", ("j",))
    row = "u" if sh == 1 else f"{sh}u"
    col = "v" if sw == 1 else f"{sw}v"
    return (
        rf"{Z} = {beta}\, {Down(Var('A'), s.scale).latex({'A': A})} + {b}, \qquad "
        rf"{Z}_{{uv}} = {beta} \sum_{{p=0}}^{{{sh - 1}}} \sum_{{q=0}}^{{{sw - 1}}} "
        rf"{A}_{{{row}+p,\,{col}+q}} + {b}"
    )


def _closed_form_latex(s: Subsample2d, view: SheetView, c: ClosedFormCheck) -> str:
    names = {
        "A": view.map_name("A", ("n", "j")),
        "D": view.map_name("D", ("n", "j")),
        "beta": view.map_name("beta", ("j",)),
    }
    if c.of == "A":
        lhs, sums = names["A"], ""
    else:
        lhs = view.map_name(c.of, ("j",))
        sums = r"\sum_{n} " if s.batch > 1 else ""
    return rf"\frac{{\partial E}}{{\partial {lhs}}} = {sums}{c.formula.latex(names)}"


def _heading(c: ClosedFormCheck) -> str:
    letter = r"\beta" if c.of == "beta" else c.of
    if c.expected:
        return f"$\\partial E/\\partial {letter}$, the notes' formula."
    mistake = c.stated_in.replace("beta", "$\\beta$")
    return f"A known mistake for $\\partial E/\\partial {letter}$: it {mistake}."


def _delta_below(s: Subsample2d) -> str:
    """How the input gradient becomes the delta of the convolution layer below (prose)."""
    j = "^{(j)}" if s.in_channels > 1 else ""
    return (
        "When $A = f(u)$ is the activation of a convolution layer below, that layer's delta "
        f"is\n$\\partial E/\\partial A \\odot f'(u) = \\beta{j}\\,(f'(u) \\odot "
        "\\operatorname{up}(D))$ by the input-gradient formula below:\nthe notes' "
        "$\\delta_j^\\ell = \\beta_j^{\\ell+1} (f'(u_j^\\ell) \\circ "
        "\\operatorname{up}(\\delta_j^{\\ell+1}))$."
    )


_BETA_WIDTH = 1.0
"""What ``term_width`` leaves out of a printed β (it counts no command names)."""


def _equation(view: SheetView, e: Element) -> dict[str, Any]:
    """``view.equation``, with rows split knowing that every β is about one
    character wide."""
    budget = ROW_BUDGET - view.reserve(e.tensor, e.index)
    first = FIRST_ROW_BUDGET - view.reserve(e.tensor, e.index)
    rows: list[list[str]] = [[]]
    used, limit = 0.0, first
    for t in e.terms:
        latex = view.p.term(t)
        width = (
            term_width(latex)
            + 1.5
            + _BETA_WIDTH * sum(parse_name(f.name)[0] == "beta" for f in t.factors)
        )
        if rows[-1] and used + width > limit:
            rows.append([])
            used, limit = 0.0, budget
        rows[-1].append(latex)
        used += width
    out = []
    for k, row in enumerate(rows):
        line = split_rows(row, float("inf"))[0]
        if k:
            line = "- " + line[1:] if line.startswith("-") else "+ " + line
        out.append(line)
    return {"lhs": view.lhs(e), "rows": out, "text": ""}


def _contributions(s: Subsample2d, view: SheetView) -> list[dict[str, Any]]:
    """For each β: the block sum it multiplies (∂Z_u/∂β, read off the derivation) per output."""
    rows = []
    for g in view.d.gradients_of("beta"):
        pairs = [
            rf"({view.p.sum(to_terms(c.derivative))}) \to {view.sym('Z', c.output)}"
            for c in g.contributions
        ]
        rows.append({"symbol": view.sym("beta", g.index), "pairs": pairs})
    return rows


def _input_matrices(s: Subsample2d, view: SheetView) -> list[dict[str, Any]]:
    """Each map's derived input gradient as a matrix (none when a map is too wide)."""
    out = []
    for n, j in product(range(s.batch), range(s.in_channels)):
        grads = [
            [view.d.gradient("A", (n, j, i, k)) for k in range(s.input[1])]
            for i in range(s.input[0])
        ]
        width = view.matrix_width(tuple(tuple(g.expr for g in row) for row in grads))
        if width + _BETA_WIDTH * s.input[1] > MATRIX_BUDGET:  # every cell holds a β
            return []
        body = r" \\ ".join(" & ".join(view.p.sum(g.terms) for g in row) for row in grads)
        out.append(
            {
                "lhs": rf"\frac{{\partial E}}{{\partial {view.p.name('A', (n, j))}}}",
                "rows": [r"\begin{bmatrix} " + body + r" \end{bmatrix}"],
                "text": "",
            }
        )
    return out


def _sheet(s: Subsample2d, view: SheetView) -> dict[str, Any]:
    d = view.d
    many = s.in_channels > 1
    j = "^{(j)}" if many else ""
    blocks = s.scale[0] * s.scale[1]
    notes = [
        rf"$\operatorname{{down}}$ sums each non-overlapping ${_block(s.scale)}$ block of "
        rf"its map, so every output holds {blocks} inputs; unlike mean pooling it does not "
        rf"divide by {blocks}."
    ]
    if many:
        notes.append(r"Each map $j$ has its own $\beta^{(j)}$ and $b^{(j)}$; maps are not mixed.")
    layer = {
        "kind": "layer",
        "heading": "The layer",
        "intro": [
            "Bouvrie's subsampling layer: each output map is the block sum of its input map, "
            "scaled by a\n**multiplicative bias** $\\beta$ and shifted by an **additive bias** "
            "$b$. The notes write\n$x_j^\\ell = f(\\beta_j^\\ell "
            "\\operatorname{down}(x_j^{\\ell-1}) + b_j^\\ell)$; here $Z$ is the argument of "
            "$f$,\nand the activation is a layer of its own:"
        ],
        "definition": _definition(s, view),
        "notes": notes,
        "size_rules": [
            rf"{name}_o = {name}/{f} = {h}/{f} = {o}"
            for name, h, f, o in zip(("H", "W"), s.input, s.scale, s.output, strict=True)
        ],
        "more_notes": [],
        "groups": None,
        "cross_ref": False,
        "tensors": view.tensor_rows(),
        "output": {"letter": "Z", "shape": size_text(s.shapes()["Z"])},
        "closing": (
            "$D = \\partial E/\\partial Z$ is the delta (sensitivity) of the output, the notes' "
            "$\\delta$.\nIndices start at 0. A superscript in parentheses gives the batch and "
            "channel indices of a map\nwhen there is more than one; the subscript gives the "
            "position" + (", with commas between\nthe indices" if d.notation.commas else "") + "."
        ),
    }
    chain = (
        "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
        "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
        "derivative below was computed by SymPy from the forward\nexpressions."
    )
    sums_over = " over the whole batch" if s.batch > 1 else ""
    bias_intro = (
        f"Every output{' of map $j$' if many else ''} contains $b{j}$ with coefficient 1, so "
        f"its gradient is the sum of\n{'that map' + chr(39) + 's' if many else 'the'} deltas"
        f"{sums_over} (the notes' $\\partial E/\\partial b_j = \\sum_{{u,v}} (\\delta_j)_{{uv}}$):"
    )
    beta_intro = (
        f"Each output{' of map $j$' if many else ''} contains $\\beta{j}$ times its block sum, so "
        f"$\\partial E/\\partial \\beta{j}$ weights each\nblock sum by its delta{sums_over} "
        "(the notes' $\\partial E/\\partial \\beta_j = \\sum_{u,v} (\\delta_j \\circ d_j)_{uv}$ "
        "with\n$d_j = \\operatorname{down}(x_j^{\\ell-1})$):"
    )
    matrices = _input_matrices(s, view)
    input_intro = (
        "Each input element lies in exactly one block, so its gradient is that block's delta "
        f"times $\\beta{j}$;\nthe elements one by one"
        + (", then each map as a matrix:" if matrices else ":")
    )
    input_equations = [_equation(view, g) for g in d.gradients_of("A")] + matrices
    forms = []
    for c in d.closed_forms:
        forms.append(view.closed_form(c, _closed_form_latex(s, view, c), _heading(c)))
    sections = [
        layer,
        view.forward_section(equations=[_equation(view, e) for e in d.forward]),
        {
            "kind": "contributions",
            "heading": "Contribution table",
            "intro": "The block sum that each multiplicative bias multiplies "
            "($\\partial Z_u/\\partial \\beta$), to produce which output\nelement:",
            "column": "bias",
            "rows": _contributions(s, view),
        },
        {
            "kind": "elements",
            "heading": "Additive bias gradient",
            "intro": bias_intro,
            "intro_md": bias_intro,
            "layout": "aligned",
            "equations": [view.equation(g) for g in d.gradients_of("b")],
            "after": [],
        },
        {
            "kind": "elements",
            "heading": "Multiplicative bias gradient",
            "intro": chain + "\n" + beta_intro,
            "intro_md": chain + "\n" + beta_intro,
            "layout": "lines",
            "equations": [view.equation(g) for g in d.gradients_of("beta")],
            "after": [],
        },
        {
            "kind": "elements",
            "heading": "Input gradient",
            "intro": input_intro,
            "intro_md": input_intro,
            "layout": "lines",
            "equations": input_equations,
            "after": [
                {"kind": "activation_delta", "index": "ij" if not d.notation.commas else "i,j"}
            ],
        },
        {
            "kind": "closed_forms",
            "heading": "Closed forms, proved",
            "intro": _CLOSED_INTRO,
            "legend": _delta_below(s),
            "group_note": None,
            "per_map": s.batch > 1 or many,
            "forms": forms,
        },
        {
            "kind": "numeric",
            "heading": "Numeric cross-check",
            "numeric": view.numeric(),
            "sampling": "uniform in $[-1, 1)$",
            "verdict": "every gradient above was derived by the chain rule, the notes' closed "
            "forms\nwere proved equal to it exactly, and the numbers agree.",
        },
    ]
    text_title = _title(s)
    return {
        "title": tex_escape(text_title).replace("×", r"$\times$"),
        "title_text": text_title,
        "command": _command(s),
        "sections": sections,
    }
