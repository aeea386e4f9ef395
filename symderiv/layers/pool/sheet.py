"""What a pooling sheet says: its prose, definition, size rules, story and exhibits.

Read through a :class:`~symderiv.render.sheet.SheetView`; the sections are rendered by the
shared section templates, plus two of pooling's own kinds: ``matrices`` (named matrices after
an element section: the up-sampled delta, the values of A) and ``switches`` (max pooling: the
values that set the switches, and which input receives which delta).  Every text comes from
the message table (:mod:`.texts`), in the sheet's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from ...core.model import ClosedFormCheck, Element, GradientElement
from ...formulas.nodes import Crop, Pad, Up, Xcorr, ZeroInsert
from ...render.printing import term_width
from ...render.sheet import LINE_BUDGET, MATRIX_BUDGET, MAX_COLUMNS, SheetView, size_text
from .._sheet import closed_forms_section, document, form, index, layer_section, tail
from ..conv.sheet import axis_name
from . import texts as texts  # registers the messages
from .closed_forms import volume_name
from .formulas import Ones, Route
from .spec import SEED_HIGH, AvgPoolSpec, MaxPoolSpec, PoolSpec
from .story import IN, KER, OUT, avg_story, cell, max_story, switch_name, window_sum
from .switches import Window

__all__ = ["avg_sheet", "definition_latex", "max_sheet", "size_rules", "title"]

_SIZES = {1: ("L",), 2: ("H", "W"), 3: ("T", "H", "W")}
_AXES = {1: ("positions",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}
_TORCH = {
    "avg_pool1d": "AvgPool1d",
    "avg_pool2d": "AvgPool2d",
    "avg_pool3d": "AvgPool3d",
    "max_pool1d": "MaxPool1d",
    "max_pool2d": "MaxPool2d",
    "max_pool3d": "MaxPool3d",
}
_REFS = ("ref.seeds_pool", "ref.bouvrie")


# ---------------------------------------------------------------------------
# pieces both kinds share
# ---------------------------------------------------------------------------


def _z(spec: PoolSpec, commas: bool) -> str:
    return f"Z_{{{index(OUT[spec.ndim], commas)}}}"


def definition_latex(spec: PoolSpec, commas: bool) -> str:
    """The forward pass of one map with the layer's numbers filled in."""
    out, ker = OUT[spec.ndim], KER[spec.ndim]
    a = f"A_{{{cell(spec, out, ker)}}}"
    if isinstance(spec, MaxPoolSpec):
        bounds = ", ".join(rf"0 \le {p} \le {k - 1}" for p, k in zip(ker, spec.kernel, strict=True))
        return (
            rf"{_z(spec, commas)} = \max_{{{bounds}}} {a} = {window_sum(spec)} "
            rf"{switch_name(spec, commas)}\, {a}"
        )
    return rf"{_z(spec, commas)} = \frac{{1}}{{{spec.window}}} {window_sum(spec)} {a}"


def size_rules(spec: PoolSpec) -> list[str]:
    """The output size on every axis, rule and numbers (one line for all axes when their
    numbers are the same)."""
    out = []
    settings = {
        (spec.input[a], spec.kernel[a], spec.stride[a], spec.padding[a]) for a in range(spec.ndim)
    }
    same = len(settings) == 1 and spec.ndim > 1
    for a in range(1 if same else spec.ndim):
        name = _SIZES[spec.ndim][a]
        lhs = " = ".join(f"{x}_o" for x in _SIZES[spec.ndim]) if same else f"{name}_o"
        h, k, s, p = spec.input[a], spec.kernel[a], spec.stride[a], spec.padding[a]
        out.append(
            rf"{lhs} = \left\lfloor \frac{{{name} + 2P - k}}{{s}} \right\rfloor + 1 "
            rf"= \left\lfloor \frac{{{h} + 2\cdot {p} - {k}}}{{{s}}} \right\rfloor + 1 "
            rf"= {spec.output[a]}"
        )
    return out


def _per_axis(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "(" + ", ".join(map(str, values)) + ")"


def title(spec: PoolSpec, _: Callable[..., str]) -> str:
    """The sheet's title in plain text, naming every setting."""
    if spec.ndim == 1:
        parts = [
            _("title.length_input", n=spec.input[0]),
            _("title.length_window", n=spec.kernel[0]),
        ]
    else:
        parts = [
            _("title.input", size=size_text(spec.input, "×")),
            _("title.window", size=size_text(spec.kernel, "×")),
        ]
    parts.append(_("title.stride", value=_per_axis(spec.stride)))
    if any(spec.padding):
        parts.append(_("title.padding", value=_per_axis(spec.padding)))
    if spec.in_channels > 1:
        parts.append(_("title.map_count", n=spec.in_channels))
    if spec.batch > 1:
        parts.append(_("title.batch", n=spec.batch))
    if isinstance(spec, MaxPoolSpec):
        if spec.values is None:
            parts.append(_("pool.title.seed", n=spec.seeded))
        else:
            parts.append(_("pool.title.values", source=spec.source or "Python"))
        parts.append(_("pool.title.ties", ties=spec.ties))
    return _("title.join", kind=spec.kind, parts=_("title.sep").join(parts))


def _geometry_notes(spec: PoolSpec, _: Callable[..., str]) -> list[str]:
    notes = []
    if any(s < k for s, k in zip(spec.stride, spec.kernel, strict=True)):
        notes.append(_("pool.note.overlap"))
    elif any(s > k for s, k in zip(spec.stride, spec.kernel, strict=True)):
        notes.append(_("pool.note.gaps"))
    if any(spec.padding):
        amount = _per_axis(spec.padding)
        one = amount == "1"
        if isinstance(spec, MaxPoolSpec):
            notes.append(_("pool.note.pad_max_one" if one else "pool.note.pad_max_many",
                           amount=f"${amount}$"))
        else:
            notes.append(_("pool.note.pad_avg_one" if one else "pool.note.pad_avg_many",
                           amount=f"${amount}$", size=f"${spec.window}$"))
    if spec.in_channels > 1 or spec.batch > 1:
        notes.append(_("pool.note.maps"))
    return notes


def _unread_notes(spec: PoolSpec, _: Callable[..., str]) -> list[str]:
    notes = []
    axes = _AXES[spec.ndim]
    for a, unread in enumerate(spec.unread_input()):
        if unread:
            many = len(unread) > 1
            axis = axis_name(axes[a], _, one=not many)
            notes.append(
                _("pool.unread.many" if many else "pool.unread.one", axis=axis,
                  at=f"${', '.join(map(str, unread))}$")
            )
    return notes


def _window_text(spec: PoolSpec, _: Callable[..., str]) -> str:
    if spec.ndim == 1:
        return _("pool.window_length", n=spec.kernel[0])
    return _("pool.window_size", size="$" + size_text(spec.kernel) + "$")


def _maps(spec: PoolSpec) -> list[tuple[str, list[tuple[int, ...]], tuple[int, ...]]]:
    leads = list(np.ndindex(spec.batch, spec.in_channels))
    return [("A", leads, spec.input), ("D", leads, spec.output)]


def _layer(
    spec: PoolSpec, view: SheetView, intro: str, matrices: bool = True
) -> dict[str, Any]:
    """The layer section; ``matrices``: show A and D as matrices (1-D and 2-D layers), else
    the tensor table (none in summary detail)."""
    _ = view._
    shown = view.tensor_matrices(_maps(spec)) if matrices and spec.ndim <= 2 else None
    section = layer_section(
        view,
        intro=[intro],
        definition=definition_latex(spec, view.d.notation.commas),
        notes=_geometry_notes(spec, _),
        size_rules=size_rules(spec),
        more_notes=_unread_notes(spec, _),
        output={"letter": "Z", "shape": size_text(spec.shapes()["Z"])},
        matrices=shown,
    )
    section["no_table"] = view.summary
    return section


def _contributions(
    view: SheetView, gradients: Sequence[GradientElement], intro: str
) -> dict[str, Any]:
    """For each input element: the outputs it enters and dZ/dA there."""
    return {
        "kind": "contributions",
        "heading": view._("contributions.heading"),
        "intro": intro,
        "column": view._("role.input"),
        "rows": [
            {
                "symbol": view.sym("A", g.index),
                "pairs": [
                    rf"{view.p._print(c.derivative)} \to {view.sym('Z', c.output)}"
                    for c in g.contributions
                ],
            }
            for g in gradients
        ],
    }


def _width(rows: Sequence[Sequence[str]]) -> float:
    """Estimated width of a bmatrix of printed cells."""
    return sum(max(term_width(x) for x in col) + 2.0 for col in zip(*rows, strict=True)) + 2.0


def _matrix(rows: Sequence[Sequence[str]]) -> str | None:
    """A bmatrix of printed cells, or None when it would not fit the page."""
    if _width(rows) > MATRIX_BUDGET or len(rows[0]) > MAX_COLUMNS:
        return None
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def _grid(array: Any) -> list[list[Any]]:
    """A 1-D or 2-D array as rows (a 1-D one as one row)."""
    return [list(array)] if array.ndim == 1 else [list(r) for r in array]


def _gradient_matrices(
    spec: PoolSpec, view: SheetView, gradients: Sequence[Element]
) -> dict[str, Any] | None:
    """The derived input gradient, map by map, as the matrices it forms (1-D and 2-D layers
    with at most MAX_MAPS maps, every map fitting the page); else None."""
    from ...render.sheet import MAX_MAPS

    if spec.ndim > 2 or spec.maps > MAX_MAPS:
        return None
    by_index = {g.index: g for g in gradients}
    lines = []
    for n, c in np.ndindex(spec.batch, spec.in_channels):
        grid = [[by_index[(n, c, *pos)] for pos in row] for row in _grid(_positions(spec.input))]
        matrix = view.element_matrix(grid)
        if matrix is None:
            return None
        name = view.p.name("A", (n, c))
        lines.append([{"lhs": rf"\frac{{\partial E}}{{\partial {name}}}", "matrix": matrix}])
    return {"kind": "matrix_rows", "note": None, "notes": [], "lines": lines}


def _positions(shape: tuple[int, ...]) -> Any:
    out = np.empty(shape, dtype=object)
    for pos in np.ndindex(*shape):
        out[pos] = pos
    return out


def _input_section(
    view: SheetView,
    heading: str,
    gradients: Sequence[Element],
    intro: str,
    after: list[dict[str, Any]],
    matrices: dict[str, Any] | None,
    matrix_intro: str | None = None,
) -> dict[str, Any]:
    """An input-gradient section: the matrices the elements form when they fit (introduced
    by ``matrix_intro`` when given), else every element as an equation."""
    section = view.elements_section(heading, gradients, intro, "lines", after)
    if matrices is not None:
        section["equations"] = []
        if matrix_intro is not None:
            section["intro"] = section["intro_md"] = matrix_intro
        section["after"] = [matrices, *after]
    return section


def _form_latex(view: SheetView, c: ClosedFormCheck) -> str:
    lhs = rf"\frac{{\partial E}}{{\partial {view.map_name('A', ('n', 'c'))}}}"
    names = {"D": view.map_name("D", ("n", "c")), "A": view.map_name("A", ("n", "c"))}
    return rf"{lhs} = {c.formula.latex(names)}"


def _form(view: SheetView, c: ClosedFormCheck, heading: str, story: bool) -> dict[str, Any]:
    """One closed form for the sheet; its code line (often long, with per-axis numbers) is
    set ragged-right in LaTeX so that it can never overflow the page."""
    out = form(view, c, _form_latex(view, c), heading, story=story)
    out["ragged"] = True
    return out


def _legend(checks: Sequence[ClosedFormCheck], _: Callable[..., str]) -> str | None:
    nodes = {type(n) for c in checks for n in c.formula.walk()}
    parts = []
    if Up in nodes:
        parts.append(_("pool.legend.up"))
    if nodes & {Xcorr, Ones}:
        parts.append(_("pool.legend.xcorr"))
    if Pad in nodes:
        parts.append(_("pool.legend.pad"))
    if ZeroInsert in nodes:
        parts.append(_("pool.legend.ins"))
    if Crop in nodes:
        parts.append(_("pool.legend.crop"))
    if Route in nodes:
        parts.append(_("pool.legend.route"))
    if not parts:
        return None
    return _("pool.legend", parts=_("pool.legend.sep").join(parts))


_POWERS = {"": "", "²": "^2", "³": "^3"}


def _size_name(text: str, _: Callable[..., str]) -> str:
    """``k² = 4`` -> ``$k^2 = 4$``; ``the window size 6`` in the sheet's language."""
    m = re.fullmatch(r"k([²³]?) = (\d+)", text)
    if m:
        return f"$k{_POWERS[m[1]]} = {m[2]}$"
    m = re.fullmatch(r"the window size (\d+)", text)
    if m:
        return _("pool.window_size_n", n=f"${m[1]}$")
    return _plain(text)


def _plain(text: str) -> str:
    """A text of the closed forms' data as prose, its symbols as math (the fallback for a
    text the table does not know: it stays as the data writes it)."""
    for plain, math in (("up(δ)", "$\\operatorname{up}(\\delta)$"), ("δ", "$\\delta$")):
        text = text.replace(plain, math)
    return text


def mistake(stated_in: str, _: Callable[..., str]) -> str:
    """A known mistake of the closed forms (its ``stated_in``, as the JSON names it) as a
    heading in the sheet's language."""
    if stated_in == "assumes the windows tile the input (stride = kernel, no padding)":
        what = _("pool.mistake.tiles")
    elif stated_in == "up(δ) without switches":
        what = _("pool.mistake.no_switches")
    elif m := re.fullmatch(r"divides by k = (\d+) instead of (.+)", stated_in):
        what = _("pool.mistake.divides_k", k=f"$k = {m[1]}$", name=_size_name(m[2], _))
    elif m := re.fullmatch(r"(up-samples|sums the deltas) without dividing by (.+)", stated_in):
        msg = "pool.mistake.up_no_divide" if m[1] == "up-samples" else "pool.mistake.sum_no_divide"
        what = _(msg, name=_size_name(m[2], _))
    elif m := re.fullmatch(r"the mean's gradient, δ/k([²³]?) to every cell", stated_in):
        what = _("pool.mistake.mean", share=f"$D/k{_POWERS[m[1]]}$")
    elif m := re.fullmatch(
        r"the mean's gradient, δ divided by the window size (\d+) to every cell", stated_in
    ):
        what = _("pool.mistake.mean", share=_("pool.mistake.mean_size", n=f"${m[1]}$"))
    else:
        what = _plain(stated_in)
    return _("sheet.known_mistake", what=what)


def _activation_delta(spec: PoolSpec, commas: bool) -> dict[str, Any]:
    return {"kind": "activation_delta", "index": index(IN[spec.ndim], commas)}


def _references(view: SheetView, spec: PoolSpec) -> tuple[Sequence[str], Sequence[str]]:
    return _REFS, [f"torch.nn.{_TORCH[spec.kind]}"]


# ---------------------------------------------------------------------------
# mean pooling
# ---------------------------------------------------------------------------


def _avg_heading(s: AvgPoolSpec, c: ClosedFormCheck, _: Callable[..., str]) -> str:
    if c.stated_in == "notes":
        name = volume_name(s)
        if name == "the window size":
            return _("pool.heading.notes")
        power = _POWERS[name[1:]]
        return _("pool.heading.notes_k", form=f"$\\operatorname{{up}}(D)/k{power}$")
    if c.stated_in == "general":
        return _("pool.heading.general")
    return mistake(c.stated_in, _)


def _avg_layouts(s: AvgPoolSpec, view: SheetView) -> dict[str, Any] | None:
    _ = view._
    layouts = view.d.exhibits.get("delta_layouts", ())
    if not layouts:
        return None
    entries = []
    for lead, grid in layouts:
        name = view.p.name("D", lead)
        lhs = (
            rf"{name} \otimes \mathbf{{1}}_{{{size_text(s.kernel)}}}"
            if s.tiles
            else rf"\operatorname{{pad}}(\hat{{{name}}})" if any(x > 1 for x in s.stride)
            else rf"\operatorname{{pad}}({name})"
        )
        rows = [[view.p._print(x) for x in row] for row in _grid(grid)]
        entries.append({"lhs": lhs, "matrix": _matrix(rows), "shape": size_text(grid.shape)})
    if s.tiles:
        padded = any(
            o * k != h for o, k, h in zip(s.output, s.kernel, s.input, strict=True)
        )
        note = _("pool.layout.tiles", padded=_("pool.layout.tiles_padded") if padded else "")
    else:
        parts = []
        if any(x > 1 for x in s.stride):
            parts.append(_("pool.layout.inserted"))
        parts.append(_("pool.layout.bordered"))
        if any(s.trailing()):
            trailing = "$a = " + ",".join(map(str, s.trailing())) + "$"
            parts.append(_("pool.layout.trailing", a=trailing))
        note = _("pool.layout.general", parts=_("pool.layout.sep").join(parts))
    return {"kind": "matrices", "note": note, "entries": entries}


def _size_words(s: AvgPoolSpec, _: Callable[..., str]) -> str:
    name = volume_name(s)
    if name == "the window size":
        return _("pool.size_is", n=f"${s.window}$")
    return f"${name[0]}{_POWERS[name[1:]]} = {s.window}$"


def avg_sheet(s: AvgPoolSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a mean-pooling layer's sheet."""
    d = view.d
    _ = view._
    commas = d.notation.commas
    summary = view.summary
    story_form = "notes" if s.tiles else "general"
    closed = {c.stated_in: _form_latex(view, c) for c in d.closed_forms if c.expected}
    forms = [
        _form(view, c, _avg_heading(s, c, _), c.expected and c.stated_in == story_form)
        for c in d.closed_forms
    ]
    gradients = d.gradients_of("A")
    intro = _("pool.avg.intro", kind=s.kind, window=_window_text(s, _), stride=_per_axis(s.stride))
    matrices = _gradient_matrices(s, view, gradients)
    if summary:
        worked: list[dict[str, Any]] = [
            view.worked_section([d.forward, gradients], [matrices] if matrices else [])
        ]
    else:
        after: list[dict[str, Any]] = []
        layouts = _avg_layouts(s, view)
        if layouts is not None:
            after.append(layouts)
        after.append(_activation_delta(s, commas))
        worked = [
            view.forward_section(),
            _contributions(view, gradients, _("pool.avg.contributions")),
            _input_section(
                view,
                _("pool.input.heading"),
                gradients,
                _("pool.chain"),
                after,
                matrices,
                _("pool.input.matrix"),
            ),
        ]
    refs, pytorch = _references(view, s)
    sections = [
        view.notation_section(),
        _layer(s, view, intro),
        avg_story(s, view, {k: v for k, v in closed.items() if k == story_form}),
        *worked,
        closed_forms_section(
            view,
            _("pool.avg.closed_intro_summary" if summary else "pool.avg.closed_intro",
              size=_size_words(s, _)),
            forms,
            legend=_legend(d.closed_forms, _),
            per_map=s.maps > 1,
        ),
        *tail(view, verdict=_("pool.avg.verdict"), refs=refs, pytorch=pytorch),
    ]
    return document(title(s, _), s.command(), sections)


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


def _values_maps(s: MaxPoolSpec, view: SheetView, routed: bool = True) -> list[dict[str, Any]]:
    """A's values and (``routed``) the routed gradient dE/dA, map by map (1-D and 2-D
    layers)."""
    if s.ndim > 2:
        return []
    by_index = {g.index: g for g in view.d.gradients_of("A")}
    out = []
    for n in range(s.batch):
        for c in range(s.in_channels):
            grid = s.a_values[n, c]
            values = [[_number(v) for v in row] for row in _grid(grid)]
            cells = [
                [view.p.sum(by_index[(n, c, *pos)].terms) for pos in row]
                for row in _grid(_positions(grid.shape))
            ]
            numbers, gradient = _matrix(values), _matrix(cells) if routed else None
            width = _width(values) + _width(cells) + 12.0  # the names, "=" and \qquad
            out.append(
                {
                    "name": view.p.name("A", (n, c)),
                    "numbers": numbers,
                    "routed": gradient,
                    "shape": size_text(grid.shape),
                    # both on one line when they fit it
                    "pair": numbers is not None and gradient is not None and width <= LINE_BUDGET,
                    "omit_routed": not routed,  # shown in a section of its own
                }
            )
    return out


def _source(s: MaxPoolSpec, _: Callable[..., str], handout: bool = False) -> str:
    """Where A's values come from; in a handout without the command-line options."""
    if s.values is None:
        key = "pool.source.seed_handout" if handout else "pool.source.seed"
        return _(key, high=f"${SEED_HIGH - 1}$", seed=f"${s.seeded}$", n=s.seeded)
    if s.source is not None:
        return _("pool.source.given" if handout else "pool.source.file", file=s.source)
    return _("pool.source.python")


def _switch_section(s: MaxPoolSpec, view: SheetView, routed: bool = True) -> dict[str, Any]:
    """The values of A, the rule in force and the window table; ``routed``: A's values beside
    the routed gradient ∂E/∂A."""
    _ = view._
    other = "split" if s.ties == "first" else "first"
    windows: tuple[Window, ...] = view.d.exhibits["windows"]
    tied = [w for w in windows if len(w.maxima) > 1]
    columns = [
        _("pool.col.output"),
        _("pool.col.maximum"),
        _("pool.col.held"),
        _("pool.col.in_force", ties=s.ties),
    ]
    if tied:
        columns.append(_("pool.col.would", other=other))
    rows = []
    for w in windows:
        holders = [view.sym("A", c.input) for c in w.cells if c.offset in w.maxima]  # type: ignore[arg-type]
        row = [[view.sym("Z", w.output)], [_number(w.maximum)], holders, _routes(view, w, s.ties)]
        if tied:
            row.append(_routes(view, w, other) if len(w.maxima) > 1 else [])
        rows.append(row)
    rule = _("pool.switches.first" if s.ties == "first" else "pool.switches.split")
    if tied:
        many = len(tied) > 1
        ties_text = _(
            "pool.switches.tied_many" if many else "pool.switches.tied_one",
            other=other,
            **({"n": len(tied)} if many else {}),
        )
    else:
        ties_text = _("pool.switches.untied")
    return {
        "kind": "switches",
        "heading": _("pool.switches.heading"),
        # a summary leaves out what the story said already and where the JSON keeps the values
        "intro": rule if view.summary else _("pool.switches.intro", rule=rule),
        "rule": None,
        "source": _(
            "pool.switches.source_short"
            if view.summary or view.options.handout  # no JSON beside a summary or handout
            else "pool.switches.source",
            source=_source(s, _, view.options.handout),
        ),
        "maps": _values_maps(s, view, routed),
        "table_intro": _("pool.switches.table"),
        "columns": columns,
        "rows": rows,
        "ties": ties_text,
    }


def _max_heading(s: MaxPoolSpec, c: ClosedFormCheck, _: Callable[..., str]) -> str:
    if c.expected:
        return _("pool.heading.routed", ties=s.ties)
    if c.stated_in.startswith("ties "):
        other = c.stated_in.split()[1].rstrip(",")
        return _("pool.heading.other_rule", other=other)
    return mistake(c.stated_in, _)


def max_sheet(s: MaxPoolSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a max-pooling layer's sheet."""
    d = view.d
    _ = view._
    commas = d.notation.commas
    summary = view.summary
    intro = _("pool.max.intro", kind=s.kind, window=_window_text(s, _), stride=_per_axis(s.stride))
    symbolic: tuple[GradientElement, ...] = d.exhibits["symbolic"]
    routed = d.gradients_of("A")
    forms = [_form(view, c, _max_heading(s, c, _), c.expected) for c in d.closed_forms]
    proved = next((_form_latex(view, c) for c in d.closed_forms if c.expected), None)
    closed = proved.split(" = ", 1)[1] if proved else None
    notation = view.notation_section()
    if s.maps == 1:  # the switches' superscripts are positions: the next entry says so
        notation["entries"].remove(_("notation.maps"))
    notation["entries"].append(_("pool.notation.switch", s=f"${switch_name(s, commas)}$"))
    # full detail: the routed gradient as matrices in its own section (the switches section
    # then shows A's values alone); a summary shows both in the switches section
    routed_matrices = None if summary else _gradient_matrices(s, view, routed)
    switches = _switch_section(s, view, routed=routed_matrices is None)
    shown = bool(switches["maps"]) and all(m["routed"] for m in switches["maps"])
    if summary:
        worked: list[dict[str, Any]] = [
            # the routed gradient follows as matrices in the switches section, if they fit
            view.worked_section(
                [d.forward, symbolic] if shown else [d.forward, symbolic, routed], []
            ),
            switches,
        ]
    else:
        worked = [
            view.forward_section(),
            _contributions(view, symbolic, _("pool.max.contributions")),
            _input_section(
                view,
                _("pool.max.symbolic.heading"),
                symbolic,
                _("pool.chain"),
                [],
                _gradient_matrices(s, view, symbolic),
            ),
            switches,
            _input_section(
                view,
                _("pool.max.routed.heading"),
                routed,
                _("pool.max.routed"),
                [_activation_delta(s, commas)],
                routed_matrices,
            ),
        ]
    refs, pytorch = _references(view, s)
    sections = [
        notation,
        # in summary detail the switches section shows A (its values) instead
        _layer(s, view, intro, matrices=not summary),
        max_story(s, view, closed),
        *worked,
        closed_forms_section(
            view,
            _("pool.max.closed_intro_summary" if summary else "pool.max.closed_intro"),
            forms,
            legend=_legend(d.closed_forms, _),
            per_map=s.maps > 1,
        ),
        *tail(
            view,
            verdict=_("pool.max.verdict", ties=s.ties),
            refs=refs,
            pytorch=pytorch,
            sampling=_("pool.max.sampling"),
        ),
    ]
    return document(title(s, _), s.command(), sections)
