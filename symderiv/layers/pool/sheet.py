"""What a pooling sheet says: its prose, definition, size rules and exhibits.

Read through a :class:`~symderiv.render.sheet.SheetView`; the sections are
rendered by the shared section templates, plus two of pooling's own kinds:
``matrices`` (named matrices after an element section: the up-sampled delta,
the values of A) and ``switches`` (max pooling: the rule that sets the
switches, and for the concrete values, which input receives which delta).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy

from ...core.model import ClosedFormCheck, GradientElement
from ...formulas.nodes import Crop, Pad, Up, Xcorr, ZeroInsert
from ...render.sheet import MATRIX_BUDGET, MAX_COLUMNS, SheetView, size_text, tex_escape
from .closed_forms import volume_name
from .formulas import Ones, Route
from .spec import SEED_HIGH, AvgPoolSpec, MaxPoolSpec, PoolSpec
from .switches import Window

__all__ = ["avg_sheet", "definition_latex", "max_sheet", "size_rules", "title"]

_OUT = {1: ("u",), 2: ("u", "v"), 3: ("t", "u", "v")}
_KER = {1: ("p",), 2: ("p", "q"), 3: ("r", "p", "q")}
_IN = {1: ("i",), 2: ("i", "j"), 3: ("h", "i", "j")}
_SIZES = {1: ("L",), 2: ("H", "W"), 3: ("T", "H", "W")}
_AXES = {1: ("positions",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}


# ---------------------------------------------------------------------------
# pieces both kinds share
# ---------------------------------------------------------------------------


def _affine(coef: int, var: str) -> str:
    return var if coef == 1 else f"{coef}{var}"


def _cell(spec: PoolSpec, out: Sequence[str], ker: Sequence[str]) -> str:
    """The input position a window cell reads: ``2u+p-1,2v+q-1``."""
    return ",".join(
        f"{_affine(s, u)}+{p}" + (f"-{pad}" if pad else "")
        for s, u, p, pad in zip(spec.stride, out, ker, spec.padding, strict=True)
    )


def _window_sum(spec: PoolSpec) -> str:
    """``\\sum_{p,q=0}^{1}`` (one sum per axis when the kernel's sides differ)."""
    ker = _KER[spec.ndim]
    if len(set(spec.kernel)) == 1:
        return rf"\sum_{{{','.join(ker)}=0}}^{{{spec.kernel[0] - 1}}}"
    return " ".join(rf"\sum_{{{p}=0}}^{{{k - 1}}}" for p, k in zip(ker, spec.kernel, strict=True))


def _z(spec: PoolSpec, commas: bool) -> str:
    out = _OUT[spec.ndim]
    return f"Z_{{{(',' if commas else '').join(out)}}}"


def _switch_name(spec: PoolSpec, commas: bool) -> str:
    out, ker = _OUT[spec.ndim], _KER[spec.ndim]
    return f"s^{{({','.join(out)})}}_{{{(',' if commas else '').join(ker)}}}"


def definition_latex(spec: PoolSpec, commas: bool) -> str:
    """The forward pass of one map with the layer's numbers filled in."""
    out, ker = _OUT[spec.ndim], _KER[spec.ndim]
    cell = f"A_{{{_cell(spec, out, ker)}}}"
    if isinstance(spec, MaxPoolSpec):
        bounds = ", ".join(rf"0 \le {p} \le {k - 1}" for p, k in zip(ker, spec.kernel, strict=True))
        return (
            rf"{_z(spec, commas)} = \max_{{{bounds}}} {cell} = {_window_sum(spec)} "
            rf"{_switch_name(spec, commas)}\, {cell}"
        )
    size = spec.window
    return rf"{_z(spec, commas)} = \frac{{1}}{{{size}}} {_window_sum(spec)} {cell}"


def size_rules(spec: PoolSpec) -> list[str]:
    """The output size on every axis, rule and numbers."""
    out = []
    for a in range(spec.ndim):
        name = _SIZES[spec.ndim][a]
        h, k, s, p = spec.input[a], spec.kernel[a], spec.stride[a], spec.padding[a]
        out.append(
            rf"{name}_o = \left\lfloor \frac{{{name} + 2P - k}}{{s}} \right\rfloor + 1 "
            rf"= \left\lfloor \frac{{{h} + 2\cdot {p} - {k}}}{{{s}}} \right\rfloor + 1 "
            rf"= {spec.output[a]}"
        )
    return out


def _per_axis(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "(" + ", ".join(map(str, values)) + ")"


def title(spec: PoolSpec) -> str:
    """The sheet's title in plain text, naming every setting."""
    if spec.ndim == 1:
        parts = [f"length-{spec.input[0]} input", f"length-{spec.kernel[0]} window"]
    else:
        parts = [f"{size_text(spec.input, '×')} input", f"{size_text(spec.kernel, '×')} window"]
    parts.append(f"stride {_per_axis(spec.stride)}")
    if any(spec.padding):
        parts.append(f"padding {_per_axis(spec.padding)}")
    if spec.in_channels > 1:
        parts.append(f"{spec.in_channels} maps")
    if spec.batch > 1:
        parts.append(f"batch {spec.batch}")
    if isinstance(spec, MaxPoolSpec):
        given = spec.source or "Python"
        parts.append(f"seed {spec.seeded}" if spec.values is None else f"values from {given}")
        parts.append(f"ties {spec.ties}")
    return f"{spec.kind}: {', '.join(parts)}"


def _geometry_notes(spec: PoolSpec) -> list[str]:
    notes = []
    if any(s < k for s, k in zip(spec.stride, spec.kernel, strict=True)):
        notes.append(
            "The windows overlap (the stride is smaller than the window): an input element "
            "can lie in several windows and then collects a delta from each."
        )
    elif any(s > k for s, k in zip(spec.stride, spec.kernel, strict=True)):
        notes.append("The windows leave gaps (the stride is larger than the window).")
    if any(spec.padding):
        amount = _per_axis(spec.padding)
        if isinstance(spec, MaxPoolSpec):
            cells = "cell" if amount == "1" else "cells"
            notes.append(
                rf"The input is bordered by ${amount}$ {cells} of $-\infty$ on each side, as in "
                r"PyTorch: a padded cell never holds the maximum, and it has no switch in the sum."
            )
        else:
            zeros = "zero" if amount == "1" else "zeros"
            notes.append(
                rf"The input is bordered by ${amount}$ {zeros} on each side. The padding counts "
                rf"in the window size, so every output divides by ${spec.window}$ however many "
                r"of its cells are padding."
            )
    if spec.in_channels > 1 or spec.batch > 1:
        notes.append("Every map is pooled on its own.")
    return notes


def _unread_notes(spec: PoolSpec) -> list[str]:
    notes = []
    axes = _AXES[spec.ndim]
    for a, unread in enumerate(spec.unread_input()):
        if unread:
            noun, verb = (axes[a], "are") if len(unread) > 1 else (axes[a][:-1], "is")
            notes.append(
                f"Input {noun} ${', '.join(map(str, unread))}$ {verb} in no window: "
                r"$\partial E/\partial A$ is exactly $0$ there."
            )
    return notes


def _closing(commas: bool, switches: bool) -> str:
    text = (
        "$D = \\partial E/\\partial Z$ is the delta (sensitivity) of the output.\n"
        "Indices start at 0. A superscript in parentheses gives the batch and channel "
        "indices of a map\nwhen there is more than one; the subscript gives the position"
        + (", with commas between\nthe indices" if commas else "")
        + "."
    )
    if switches:
        text += (
            "\nA switch's superscript gives its output (after the batch and channel, when "
            "there is more than one)\nand its subscript the cell's offset in the window; "
            "axes of size one are not shown."
        )
    return text


def _layer_section(
    spec: PoolSpec, view: SheetView, intro: list[str], notes: list[str]
) -> dict[str, Any]:
    commas = view.d.notation.commas
    return {
        "kind": "layer",
        "heading": "The layer",
        "intro": intro,
        "definition": definition_latex(spec, commas),
        "notes": notes + _geometry_notes(spec),
        "size_rules": size_rules(spec),
        "more_notes": _unread_notes(spec),
        "groups": None,
        "cross_ref": False,
        "tensors": view.tensor_rows(),
        "output": {"letter": "Z", "shape": size_text(spec.shapes()["Z"])},
        "closing": _closing(commas, isinstance(spec, MaxPoolSpec)),
    }


def _window_text(spec: PoolSpec) -> str:
    if spec.ndim == 1:
        return f"length-{spec.kernel[0]} window"
    return "$" + size_text(spec.kernel) + "$ window"


_CHAIN = (
    "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
    "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$ (the table "
    "above); each derivative below was computed by SymPy from\nthe forward expressions."
)


def _forward_section(view: SheetView) -> dict[str, Any]:
    return view.forward_section()


def _contributions(view: SheetView, gradients: Sequence[GradientElement]) -> list[dict[str, Any]]:
    """For each input element: the outputs it enters and dZ/dA there."""
    return [
        {
            "symbol": view.sym("A", g.index),
            "pairs": [
                rf"{view.p._print(c.derivative)} \to {view.sym('Z', c.output)}"
                for c in g.contributions
            ],
        }
        for g in gradients
    ]


def _matrix(view: SheetView, rows: Sequence[Sequence[str]]) -> str | None:
    """A bmatrix of printed cells, or None when it would not fit the page."""
    widths = [max(_width(x) for x in col) + 2.0 for col in zip(*rows, strict=True)]
    if sum(widths) + 2.0 > MATRIX_BUDGET or len(rows[0]) > MAX_COLUMNS:
        return None
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def _width(latex: str) -> float:
    from ...render.printing import term_width

    return term_width(latex)


def _grid(array: Any) -> list[list[Any]]:
    """A 1-D or 2-D array as rows (a 1-D one as one row)."""
    return [list(array)] if array.ndim == 1 else [list(r) for r in array]


def _shape(array: Any) -> str:
    return size_text(array.shape)


def _numeric_section(view: SheetView, sampling: str, verdict: str) -> dict[str, Any]:
    return {
        "kind": "numeric",
        "heading": "Numeric cross-check",
        "numeric": view.numeric(),
        "sampling": sampling,
        "verdict": verdict,
    }


def _form(view: SheetView, c: ClosedFormCheck, heading: str) -> dict[str, Any]:
    """One closed form for the sheet; its code line (often long, with per-axis
    numbers) is set ragged-right in LaTeX so that it can never overflow the page."""
    form = view.closed_form(c, rf"{_lhs(view)} = {c.formula.latex(_names(view))}", heading)
    form["ragged"] = True
    return form


def _lhs(view: SheetView) -> str:
    return rf"\frac{{\partial E}}{{\partial {view.map_name('A', ('n', 'c'))}}}"


def _names(view: SheetView) -> dict[str, str]:
    return {"D": view.map_name("D", ("n", "c")), "A": view.map_name("A", ("n", "c"))}


def _legend(checks: Sequence[ClosedFormCheck]) -> str | None:
    nodes = {type(n) for c in checks for n in c.formula.walk()}
    parts = []
    if Up in nodes:
        parts.append(
            "$X \\otimes \\mathbf{1}_{k}$ (the notes' $\\operatorname{up}$) repeats every "
            "entry of $X$ over a block of the window's shape"
        )
    if nodes & {Xcorr, Ones}:
        parts.append(
            "$X \\star Y$ is the valid cross-correlation $(X \\star Y)_u = \\sum_p X_{u+p}\\, "
            "Y_p$,\nand $\\mathbf{1}_{k}$ a block of ones"
        )
    if Pad in nodes:
        parts.append(
            "$\\operatorname{pad}_{a,b}$ adds $a$ zeros before and $b$ after each axis "
            "(one number: both sides)"
        )
    if ZeroInsert in nodes:
        parts.append("$\\operatorname{ins}_s$ inserts $s-1$ zeros between neighbouring entries")
    if Crop in nodes:
        parts.append("$\\operatorname{crop}_{a,b}$ removes $a$ entries before and $b$ after")
    if Route in nodes:
        parts.append(
            "$\\operatorname{route}_{\\text{first}}(D; A)$ adds each $D_u$ into the cell of "
            "window $u$ where $A$ is largest,\nthe first such cell in row-major order "
            "(found again here with numpy's `argmax`, independently of the switches);\n"
            "$\\operatorname{route}_{\\text{split}}$ shares $D_u$ equally among the window's "
            "maxima"
        )
    if not parts:
        return None
    return "Notation: " + ";\n".join(parts) + "."


# ---------------------------------------------------------------------------
# mean pooling
# ---------------------------------------------------------------------------


def _mistake(stated_in: str) -> str:
    """A known mistake's name (plain text, as in the JSON) as prose with math."""
    for plain, math in (
        ("up(δ)", "$\\operatorname{up}(\\delta)$"),
        ("δ/k²", "$\\delta/k^2$"),
        ("δ/k³", "$\\delta/k^3$"),
        ("δ/k", "$\\delta/k$"),
    ):
        stated_in = stated_in.replace(plain, math)
    text = re.sub(
        r"k([²³]?) = (\d+)",
        lambda m: "$k" + {"": "", "²": "^2", "³": "^3"}[m.group(1)] + f" = {m.group(2)}$",
        stated_in,
    )
    text = text.replace("k²", "$k^2$").replace("k³", "$k^3$")
    return "A known mistake: " + text.replace("δ", "$\\delta$") + "."


def _avg_heading(s: AvgPoolSpec, c: ClosedFormCheck) -> str:
    if c.stated_in == "notes":
        name = volume_name(s)
        if name == "the window size":
            return (
                "The notes' form, $\\operatorname{up}(D)$ divided by the window size "
                "(the windows tile the input)."
            )
        tex = name.replace("²", "^2").replace("³", "^3")
        return f"The notes' form, $\\operatorname{{up}}(D)/{tex}$ (the windows tile the input)."
    if c.stated_in == "general":
        return "The general form: each element collects the deltas of every window containing it."
    return _mistake(c.stated_in)


def _avg_layouts(s: AvgPoolSpec, view: SheetView) -> dict[str, Any] | None:
    layouts = view.d.exhibits.get("delta_layouts", ())
    if not layouts:
        return None
    entries = []
    for lead, grid in layouts:
        name = view.p.name("D", lead)
        lhs = (
            rf"{name} \otimes \mathbf{{1}}_{{{size_text(s.kernel)}}}"
            if s.tiles
            else rf"{name}_{{\text{{padded}}}}"
        )
        rows = [[view.p._print(x) for x in row] for row in _grid(grid)]
        entries.append({"lhs": lhs, "matrix": _matrix(view, rows), "shape": _shape(grid)})
    if s.tiles:
        note = (
            "The notes' form up-samples the delta: every entry repeated over a block of the "
            "window's shape\n(the Kronecker product with a block of ones)"
            + (
                ", then padded with zeros to the input's size:"
                if s.output != s.input
                and any(o * k != h for o, k, h in zip(s.output, s.kernel, s.input, strict=True))
                else ":"
            )
        )
    else:
        parts = []
        if any(x > 1 for x in s.stride):
            parts.append("with $s-1$ zeros inserted between neighbouring entries (the stride)")
        parts.append("bordered by $k-1$ zeros on each side")
        if any(s.trailing()):
            parts.append(
                "plus $a = " + ",".join(map(str, s.trailing())) + "$ more at the end "
                "(padded-input cells no window reads)"
            )
        note = "The general form reads the delta " + ", ".join(parts) + ":"
    return {"kind": "matrices", "note": note, "entries": entries}


def avg_sheet(s: AvgPoolSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a mean-pooling layer's sheet."""
    d = view.d
    intro = [
        f"Mean pooling (PyTorch's `{s.kind}` with `count_include_pad=True`): each output is "
        f"the mean of a\n{_window_text(s)} of the input, the windows "
        f"${_per_axis(s.stride)}$ apart (the stride):"
    ]
    gradients = d.gradients_of("A")
    after: list[dict[str, Any]] = []
    layouts = _avg_layouts(s, view)
    if layouts is not None:
        after.append(layouts)
    index = ("," if d.notation.commas else "").join(_IN[s.ndim])
    after.append({"kind": "activation_delta", "index": index})
    forms = [_form(view, c, _avg_heading(s, c)) for c in d.closed_forms]
    name = volume_name(s)
    size_words = (
        f"the window size is ${s.window}$"
        if name == "the window size"
        else f"${name.replace('²', '^2').replace('³', '^3')} = {s.window}$"
    )
    sections = [
        _layer_section(s, view, intro, []),
        _forward_section(view),
        {
            "kind": "contributions",
            "heading": "Contribution table",
            "intro": "Which outputs each input element enters, and its coefficient "
            "$\\partial Z/\\partial A$ there:",
            "column": "input",
            "rows": _contributions(view, gradients),
        },
        {
            "kind": "elements",
            "heading": "Input gradient",
            "intro": _CHAIN,
            "intro_md": _CHAIN,
            "layout": "lines",
            "equations": [view.equation(g) for g in gradients],
            "after": after,
        },
        {
            "kind": "closed_forms",
            "heading": "Closed forms, proved",
            "intro": "Each closed form below was built from array operators (up-sampling, zero "
            "insertion, padding,\ncorrelation with a block of ones) independently of the "
            "derivation, and compared with the\nderived elements one by one as expanded "
            f"polynomials. Here {size_words}.",
            "legend": _legend(d.closed_forms),
            "group_note": None,
            "per_map": s.maps > 1,
            "forms": forms,
        },
        _numeric_section(
            view,
            "uniform in $[-1, 1)$",
            "every gradient above was derived by the chain rule, the closed\nforms were "
            "proved equal to it exactly, and the numbers agree.",
        ),
    ]
    return _document(s, sections)


def _document(s: PoolSpec, sections: list[dict[str, Any]]) -> dict[str, Any]:
    text_title = title(s)
    return {
        "title": tex_escape(text_title).replace("×", r"$\times$"),
        "title_text": text_title,
        "command": s.command(),
        "sections": sections,
    }


# ---------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------


def _number(v: int | float) -> str:
    """A value of A as LaTeX: ``3``, ``0.5``, ``-1.5 \\cdot 10^{-7}``."""
    if isinstance(v, int):
        return str(v)
    text = repr(float(v))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def _share(view: SheetView, share: sympy.Rational, delta: sympy.Symbol) -> str:
    if share == 1:
        return view.p._print(delta)
    return rf"\tfrac{{{share.p}}}{{{share.q}}} {view.p._print(delta)}"


def _routes(view: SheetView, w: Window, ties: str) -> list[str]:
    delta = sympy.Symbol(f"D[{','.join(map(str, w.output))}]")
    return [
        rf"{_share(view, share, delta)} \to {view.sym('A', cell.input)}"  # type: ignore[arg-type]
        for cell, share in w.shares(ties)
    ]


def _rule_latex(s: MaxPoolSpec, commas: bool) -> str:
    """The rule that sets the switches, for the tie rule in force."""
    out, ker = _OUT[s.ndim], _KER[s.ndim]
    cell = f"A_{{{_cell(s, out, ker)}}}"
    switch = _switch_name(s, commas)
    z = _z(s, commas)
    offset = ",".join(ker) if s.ndim > 1 else ker[0]
    if s.ties == "first":
        return (
            switch + r" = \begin{cases} 1 & \text{if } " + cell + " = " + z + r"\text{ and no "
            r"earlier cell (row-major) of the window equals } " + z + r", \\ 0 & "
            r"\text{otherwise,} \end{cases}"
        )
    m = f"m_{{{(',' if commas else '').join(out)}}}"
    return (
        switch + r" = \begin{cases} 1/" + m + r" & \text{if } " + cell + " = " + z + r", \\ 0 & "
        r"\text{otherwise,} \end{cases} \qquad "
        + m
        + r" = \#\{("
        + offset
        + r") : "
        + cell
        + " = "
        + z
        + r"\}"
    )


def _values_maps(s: MaxPoolSpec, view: SheetView) -> list[dict[str, Any]]:
    """A's values and the routed gradient dE/dA, map by map (1-D and 2-D layers)."""
    if s.ndim > 2:
        return []
    routed = {g.index: g for g in view.d.gradients_of("A")}
    out = []
    for n in range(s.batch):
        for c in range(s.in_channels):
            grid = s.a_values[n, c]
            values = [[_number(v) for v in row] for row in _grid(grid)]
            cells = [
                [view.p.sum(routed[(n, c, *pos)].terms) for pos in row]
                for row in _grid(_positions(grid.shape))
            ]
            out.append(
                {
                    "name": view.p.name("A", (n, c)),
                    "numbers": _matrix(view, values),
                    "routed": _matrix(view, cells),
                    "shape": _shape(grid),
                }
            )
    return out


def _positions(shape: tuple[int, ...]) -> Any:
    import numpy as np

    out = np.empty(shape, dtype=object)
    for pos in np.ndindex(*shape):
        out[pos] = pos
    return out


def _source(s: MaxPoolSpec) -> str:
    if s.values is None:
        return (
            f"random integers $0$ to ${SEED_HIGH - 1}$ from seed ${s.seeded}$ "
            f"(`--seed {s.seeded}`, numpy's `default_rng({s.seeded})`)"
        )
    if s.source is not None:
        return f"read from `{s.source}` (`--values {s.source}`)"
    return "given in Python"


def _switch_section(s: MaxPoolSpec, view: SheetView) -> dict[str, Any]:
    other = "split" if s.ties == "first" else "first"
    windows: tuple[Window, ...] = view.d.exhibits["windows"]
    tied = [w for w in windows if len(w.maxima) > 1]
    columns = ["output", "maximum", "held by", f"{s.ties} (in force)"]
    if tied:
        columns.append(f"{other} would give")
    rows = []
    for w in windows:
        holders = [view.sym("A", c.input) for c in w.cells if c.offset in w.maxima]  # type: ignore[arg-type]
        row = [[view.sym("Z", w.output)], [_number(w.maximum)], holders, _routes(view, w, s.ties)]
        if tied:
            row.append(_routes(view, w, other) if len(w.maxima) > 1 else [])
        rows.append(row)
    if s.ties == "first":
        rule = (
            "Rule in force: **first** (`--ties first`, PyTorch's rule): a window's delta goes "
            "whole to the first\ncell that holds the maximum in row-major order (the order "
            "PyTorch scans a window)."
        )
    else:
        rule = (
            "Rule in force: **split** (`--ties split`): the cells that hold the maximum share "
            "the delta equally,\nas TensorFlow's `reduce_max` does and as SymPy's "
            "$\\operatorname{Heaviside}(0) = 1/2$ gives for two."
        )
    if tied:
        n = len(tied)
        ties_text = (
            f"{n} window{'s' if n > 1 else ''} of these values {'tie' if n > 1 else 'ties'}: "
            f"the last column shows what `--ties {other}` would route there\ninstead "
            "(the closed forms below refute it against this derivation)."
        )
    else:
        ties_text = (
            "No window holds its maximum more than once, so both tie rules route the deltas "
            "the same way."
        )
    return {
        "kind": "switches",
        "heading": "Switches at these values",
        "intro": (
            "The switches are constants: each is 1 on the cell that holds its window's maximum "
            "and 0 elsewhere,\nso where the maximum is unique $\\partial Z/\\partial A$ is "
            "exactly the switch. At a tie the maximum is not\ndifferentiable, and a tie rule "
            "chooses the subgradient the backward pass uses. " + rule
        ),
        "rule": _rule_latex(s, view.d.notation.commas),
        "source": (
            f"The values of $A$ are {_source(s)}; the JSON sheet lists them under `values`, "
            "in the form\n`--values` reads, and every switch's value under `switches`."
        ),
        "maps": _values_maps(s, view),
        "table_intro": (
            "Window by window: its maximum, the cells that hold it, and which input receives "
            "the window's delta:"
        ),
        "columns": columns,
        "rows": rows,
        "ties": ties_text,
    }


def _max_heading(s: MaxPoolSpec, c: ClosedFormCheck) -> str:
    if c.expected:
        return f"Each delta routed to its window's maximum (ties: **{s.ties}**)."
    if c.stated_in.startswith("ties "):
        other = c.stated_in.split()[1].rstrip(",")
        return f"The other tie rule, **{other}**, on these tied values."
    return _mistake(c.stated_in)


def max_sheet(s: MaxPoolSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a max-pooling layer's sheet."""
    d = view.d
    intro = [
        f"Max pooling (PyTorch's `{s.kind}`): each output is the largest element of a\n"
        f"{_window_text(s)} of the input, the windows ${_per_axis(s.stride)}$ apart (the "
        "stride). It is written\nwith *switches* $s$, symbols that select "
        "the maximum, so that the chain rule can differentiate it:"
    ]
    symbolic: tuple[GradientElement, ...] = d.exhibits["symbolic"]
    index = ("," if d.notation.commas else "").join(_IN[s.ndim])
    routed_intro = (
        "With the switches set to their values above, the same chain rule routes each "
        "delta\nto the maximum of its window (SymPy substituted the switches after "
        "differentiating):"
    )
    forms = [_form(view, c, _max_heading(s, c)) for c in d.closed_forms]
    sections = [
        _layer_section(s, view, intro, []),
        _forward_section(view),
        {
            "kind": "contributions",
            "heading": "Contribution table",
            "intro": "Which outputs each input element enters, and the switch "
            "$\\partial Z/\\partial A$ it is multiplied by there:",
            "column": "input",
            "rows": _contributions(view, symbolic),
        },
        {
            "kind": "elements",
            "heading": "Input gradient, with switches",
            "intro": _CHAIN,
            "intro_md": _CHAIN,
            "layout": "lines",
            "equations": [view.equation(g) for g in symbolic],
            "after": [],
        },
        _switch_section(s, view),
        {
            "kind": "elements",
            "heading": "Input gradient at these values",
            "intro": routed_intro,
            "intro_md": routed_intro,
            "layout": "lines",
            "equations": [view.equation(g) for g in d.gradients_of("A")],
            "after": [{"kind": "activation_delta", "index": index}],
        },
        {
            "kind": "closed_forms",
            "heading": "Closed forms, proved",
            "intro": "Each closed form below was built independently of the derivation (the "
            "maxima found again with numpy\nfrom the values of $A$; up-sampling, padding, "
            "correlation with a block of ones), and compared with the\nderived elements one "
            "by one as expanded polynomials.",
            "legend": _legend(d.closed_forms),
            "group_note": None,
            "per_map": s.maps > 1,
            "forms": forms,
        },
        _numeric_section(
            view,
            "$A$ and $s$ as above, $D$ uniform in $[-1, 1)$",
            "every gradient above was derived by the chain rule, the routing to\nthe maxima "
            f"(ties: {s.ties}) was proved equal to it exactly, and the numbers agree.",
        ),
    ]
    return _document(s, sections)
