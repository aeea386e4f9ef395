"""What the fully-connected layer's sheet says: u = Wx + b in index form, the chain rule that
leaves one term for each weight (∂E/∂W_ji = δ_j x_i = (δxᵀ)_ji), the bias and the input
(Wᵀδ), the notes' matrix differential, and the closed forms, in the sheet's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..render.sheet import LINE_BUDGET, MATRIX_BUDGET, MAX_COLUMNS, MAX_MAPS, size_text
from . import texts as texts  # registers the messages
from ._sheet import (
    chain_step,
    closed_forms_section,
    document,
    form,
    layer_section,
    step,
    story_section,
    tail,
)
from .dense import MATRIX_ROUTE, NO_TRANSPOSE, NOTES, TRANSPOSED, LinearSpec

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck
    from ..render.sheet import SheetView

__all__ = ["dense_sheet"]

_T = r"^{\mathsf{T}}"
_D = r"\mathrm{d}"


def _names(s: LinearSpec) -> dict[str, str]:
    """How a closed form names one sample's columns: x, δ (with (n) for a batch)."""
    if s.batch > 1:
        return {"x": "{x^{(n)}}", "delta": r"{\delta^{(n)}}", "W": "W", "M": "M"}
    return {"x": "x", "delta": r"\delta", "W": "W", "M": "M"}


def _closed_form_latex(s: LinearSpec, c: ClosedFormCheck) -> str:
    body = c.formula.latex(_names(s))
    batch = s.batch > 1
    if c.of == "A":
        lhs = "x^{(n)}" if batch else "x"
        return rf"\frac{{\partial E}}{{\partial {lhs}}} = {body}"
    total = r"\sum_{n} " if batch and c.stated_in != MATRIX_ROUTE else ""
    return rf"\frac{{\partial E}}{{\partial {c.of}}} = {total}{body}"


def _heading(view: SheetView, c: ClosedFormCheck) -> str:
    _ = view._
    if c.stated_in == NOTES:
        return _({"W": "dense.heading.w_notes", "b": "dense.heading.b_notes",
                  "A": "dense.heading.a_notes"}[c.of])
    if c.stated_in == MATRIX_ROUTE:
        where = _("dense.heading.full" if view.summary else "dense.heading.previous")
        return _("dense.heading.w_matrix", where=where)
    if c.stated_in == TRANSPOSED:
        return _("sheet.known_mistake", what=_("dense.mistake.transposed"))
    if c.stated_in == NO_TRANSPOSE:
        return _("sheet.known_mistake", what=_("dense.mistake.no_transpose"))
    return c.stated_in


def _matrix(view: SheetView, M: np.ndarray) -> str | None:
    """A bmatrix of M, or None when it is too wide for the page."""
    rows = tuple(tuple(row) for row in M.tolist())
    if len(rows[0]) > MAX_COLUMNS or view.matrix_width(rows) > MATRIX_BUDGET - 12:
        return None
    return view.p.matrix(rows)


def _column(view: SheetView, letter: str, lead: tuple[int, ...], size: int) -> str:
    """A column vector of one sample's (or the bias's) symbols."""
    body = r" \\ ".join(view.sym(letter, (*lead, i)) for i in range(size))
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def _tensor_matrices(s: LinearSpec, view: SheetView) -> dict[str, Any] | None:
    """W and b, then each sample's x and δ as columns (at most MAX_MAPS samples); None when
    W is too wide for the page."""
    d = view.d
    W = d.tensor("W").array()
    w = _matrix(view, W)
    if w is None:
        return None
    bias = {"lhs": "b", "matrix": _column(view, "b", (), s.out_features)}
    lines = [[{"lhs": "W", "matrix": w}, bias]]
    if view.matrix_width(tuple(tuple(r) for r in W.tolist())) + 12.0 > LINE_BUDGET:
        lines = [[{"lhs": "W", "matrix": w}], [bias]]
    samples = []
    for n in range(min(s.batch, MAX_MAPS)):
        sup = f"^{{({n})}}" if s.batch > 1 else ""
        samples += [
            {"lhs": f"x{sup}", "matrix": _column(view, "A", (n,), s.in_features)},
            {"lhs": rf"\delta{sup}", "matrix": _column(view, "D", (n,), s.out_features)},
        ]
    for k in range(0, len(samples), 4):  # two samples to a line
        lines.append(samples[k : k + 4])
    notes = []
    if s.batch > MAX_MAPS:
        notes.append(view.more_maps("x", s.batch - MAX_MAPS))
    return {"kind": "matrix_rows", "note": view._("dense.matrices"), "lines": lines, "notes": notes}


def _story(s: LinearSpec, view: SheetView) -> dict[str, Any]:
    _ = view._
    own = {c.of: _closed_form_latex(s, c) for c in view.d.closed_forms if c.stated_in == NOTES}

    def closed(of: str) -> list[str]:
        return [own[of]] if of in own else []

    sums = r"\sum_{k} D_{k}\, "
    steps = [
        chain_step(view, _("story.what.linear"), ("k",)),
        step(
            _("dense.story.weight", w="$W_{ji}$", z="$Z_{j}$", a="$A_{i}$"),
            [
                rf"\frac{{\partial E}}{{\partial W_{{ji}}}} = {sums}"
                rf"\frac{{\partial Z_{{k}}}}{{\partial W_{{ji}}}} = D_{{j}}\, A_{{i}}"
            ],
        ),
        step(
            _("dense.story.outer"),
            [rf"D_{{j}}\, A_{{i}} = \delta_{{j}}\, x_{{i}} = \left(\delta x{_T}\right)_{{ji}}",
             *closed("W")],
        ),
        step(
            _("dense.story.bias", b="$b_{j}$", z="$Z_{j}$"),
            [
                rf"\frac{{\partial E}}{{\partial b_{{j}}}} = {sums}"
                rf"\frac{{\partial Z_{{k}}}}{{\partial b_{{j}}}} = D_{{j}}",
                *closed("b"),
            ],
        ),
        step(
            _("dense.story.input", a="$A_{i}$", z="$Z_{j}$", w="$W_{ji}$"),
            [
                r"\frac{\partial E}{\partial A_{i}} = \sum_{j} D_{j}\, W_{ji} = "
                rf"\left(W{_T} \delta\right)_{{i}}"
            ],
        ),
        step(_("dense.story.input_after"), closed("A")),
    ]
    if s.batch > 1:
        steps.append(step(_("sheet.batch_sums")))
    return story_section(view, steps)


def _differential_section(s: LinearSpec, view: SheetView) -> dict[str, Any]:
    _ = view._
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
        verdict = _("dense.diff.proved", n=check.checked)
    else:
        verdict = _("dense.diff.not_proved", n=check.failures, m=check.checked)
    here = (
        _("dense.diff.here_batch", x=x, delta=delta, n=i_, m=o_)
        if batch
        else _("dense.diff.here", n=i_, m=o_)
    )
    return {
        "kind": "matrix_differential",
        "heading": _("dense.diff.heading"),
        "intro": _("dense.diff.intro", here=here),
        "steps": [
            {
                "text": _(
                    "dense.diff.vary",
                    forward=forward,
                    end=_("dense.diff.vary_end_batch" if batch else "dense.diff.vary_end"),
                ),
                "equations": [{"lhs": _D + "E", "rows": dE_rows}],
            },
            {"text": _("dense.diff.trace"), "equations": [{"lhs": _D + "E", "rows": [trace]}]},
            {
                "text": _(
                    "dense.diff.read",
                    shape=f"${i_} \\times {o_}$",
                    wide="" if m_matrix is not None else _("dense.diff.wide"),
                ),
                "equations": [{"lhs": "M", "rows": [" = ".join(m_rows) or "M"]}],
            },
            {
                "text": _("dense.diff.layout"),
                "equations": [
                    {"lhs": r"\frac{\partial E}{\partial W}", "rows": [" = ".join(gradient)]}
                ],
            },
        ],
        "verdict": verdict,
    }


def _count(view: SheetView, what: str, n: int) -> str:
    return view._(f"count.{what}_{'one' if n == 1 else 'many'}", n=n)


def dense_sheet(s: LinearSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a fully-connected layer's sheet."""
    d = view.d
    _ = view._
    summary = view.summary
    batch = s.batch > 1
    sup = "^{(n)}" if batch else ""
    inputs, outputs = _count(view, "input", s.in_features), _count(view, "output", s.out_features)
    shape = f"${s.out_features} \\times {s.in_features}$"
    note = (
        _("dense.note_batch", inputs=inputs, outputs=outputs, shape=shape, n=s.batch)
        if batch
        else _("dense.note", inputs=inputs, outputs=outputs, shape=shape)
    )
    layer = layer_section(
        view,
        intro=[_("dense.intro")],
        definition=rf"u = W x + b: \qquad Z{sup}_{{j}} = \sum_{{i}} W_{{ji}}\, A{sup}_{{i}} "
        rf"+ b_{{j}}",
        notes=[note],
        output={"letter": "Z", "shape": size_text(s.shapes()["Z"])},
        matrices=_tensor_matrices(s, view),
    )
    notation = view.notation_section()
    notation["entries"].append(_("dense.notation"))
    forms = [
        form(view, c, _closed_form_latex(s, c), _heading(view, c), story=c.stated_in == NOTES)
        for c in d.closed_forms
    ]
    weights = d.gradients_of("W")
    if summary:
        worked: list[dict[str, Any]] = [
            view.worked_section([d.forward, weights, d.gradients_of("b"), d.gradients_of("A")], [])
        ]
    else:
        grid = [list(weights[j * s.in_features : (j + 1) * s.in_features])
                for j in range(s.out_features)]
        matrix = view.element_matrix(grid)
        weight_section = view.elements_section(
            _("heading.weight_gradient"), weights, _("chain.sum"), "lines", []
        )
        if matrix is not None:
            weight_section["equations"] = []
            weight_section["intro"] = weight_section["intro_md"] = (
                _("chain.sum") + "\n" + _("dense.weight_matrix")
            )
            weight_section["after"] = [
                {"kind": "matrix_rows", "note": None, "notes": [],
                 "lines": [[{"lhs": r"\frac{\partial E}{\partial W}", "matrix": matrix}]]}
            ]
        contributions = []
        for g in weights:
            pairs = [
                rf"{view.p._print(c.derivative)} \to {view.sym('Z', c.output)}"
                for c in g.contributions
            ]
            contributions.append({"symbol": view.sym("W", g.index), "pairs": pairs})
        worked = [
            view.forward_section(),
            {
                "kind": "contributions",
                "heading": _("contributions.heading"),
                "intro": _("dense.contributions"),
                "column": _("role.weight"),
                "rows": contributions,
            },
            weight_section,
            view.elements_section(
                _("heading.bias_gradient"),
                d.gradients_of("b"),
                _("dense.bias_batch" if batch else "dense.bias_one"),
                "aligned",
            ),
            view.elements_section(
                _("heading.input_gradient"),
                d.gradients_of("A"),
                None,
                "lines",
                [{"kind": "activation_delta", "index": "i"}],
            ),
            _differential_section(s, view),
        ]
    sections = [
        notation,
        layer,
        _story(s, view),
        *worked,
        closed_forms_section(
            view,
            _("closed.intro_summary")
            if summary
            else _(
                "dense.closed_intro",
                batch=_("dense.closed_intro_batch" if batch else "dense.closed_intro_end"),
            ),
            forms,
        ),
        *tail(
            view,
            verdict=_("dense.verdict"),
            refs=["ref.seeds_dense", "ref.bouvrie"],
            pytorch=["torch.nn.functional.linear", "torch.nn.Linear"],
        ),
    ]
    parts = [_("title.features_io", cin=s.in_features, cout=s.out_features)]
    if batch:
        parts.append(_("title.batch", n=s.batch))
    command = (
        f"symderiv derive linear --in-features {s.in_features} --out-features {s.out_features}"
    )
    if batch:
        command += f" --batch {s.batch}"
    title = _("title.join", kind="linear", parts=_("title.sep").join(parts))
    return document(title, command, sections)
