"""What a convolution sheet says: its prose, definition, size rules and exhibits.

Read through a :class:`~symderiv.render.sheet.SheetView`; the sections it
returns are rendered by the section templates every layer shares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...core import work
from ...core.model import ClosedFormCheck
from ...core.pipeline import USER_CLAIM
from ...formulas.nodes import CONV_NAMES, Crop, Pad, Xcorr, ZeroInsert
from ...render.printing import term_width
from ...render.sheet import MATRIX_BUDGET, MAX_COLUMNS, SheetView, size_text, split_matrices
from ...render.sheet import tex_escape as tex_escape
from .spec import ConvSpec
from .story import story_section

__all__ = ["conv_sheet", "definition_latex", "size_rules", "title"]

_size = size_text
SUMMARY_WINDOW_ROWS = 8  # the largest padded delta a summary shows under the flipped kernel
_OUT = {1: ("u",), 2: ("u", "v"), 3: ("t", "u", "v")}
_OUT_T = {1: ("y",), 2: ("y", "x"), 3: ("z", "y", "x")}
_IN = {1: ("i",), 2: ("i", "j"), 3: ("h", "i", "j")}
_KER = {1: ("p",), 2: ("p", "q"), 3: ("r", "p", "q")}
_SIZES = {1: ("L",), 2: ("H", "W"), 3: ("T", "H", "W")}
_AXES = {1: ("positions",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}


def _affine(coef: int, var: str) -> str:
    return var if coef == 1 else f"{coef}{var}"


def _tap(s: int, u: str, d: int, p: str, pad: int) -> str:
    """s·u + d·p − pad with the numbers filled in: ``2u+p-1``."""
    return f"{_affine(s, u)}+{_affine(d, p)}" + (f"-{pad}" if pad else "")


def definition_latex(spec: ConvSpec, commas: bool) -> str:
    """The forward pass of one map with the layer's numbers filled in."""
    n = spec.ndim
    sep = "," if (commas or n == 1 or not spec.is_plain) else ""
    ker = _KER[n]
    if spec.convention == "convolution":
        kidx = ",".join(f"{k - 1}-{p}" for k, p in zip(spec.kernel, ker, strict=True))
    else:
        kidx = sep.join(ker)
    ksum = ",".join(ker)
    if spec.transposed:
        out, inp = _OUT_T[n], _IN[n]
        conditions = r",\ ".join(
            f"{_tap(s, i, d, p, pad)}={y}"
            for s, i, d, p, pad, y in zip(
                spec.stride, inp, spec.dilation, ker, spec.padding, out, strict=True
            )
        )
        return (
            rf"Z_{{{sep.join(out)}}} = \sum_{{{ksum}}} \sum_{{{','.join(inp)}:\ {conditions}}} "
            rf"A_{{{sep.join(inp)}}}\, K_{{{kidx}}} + b"
        )
    pos = ",".join(
        _tap(s, u, d, p, pad)
        for s, u, d, p, pad in zip(
            spec.stride, _OUT[n], spec.dilation, ker, spec.padding, strict=True
        )
    )
    return rf"Z_{{{sep.join(_OUT[n])}}} = \sum_{{{ksum}}} A_{{{pos}}}\, K_{{{kidx}}} + b"


def definition_notes(spec: ConvSpec, _: Callable[..., str]) -> list[str]:
    """Sentences (LaTeX) that qualify the definition."""
    notes = []
    if spec.transposed:
        notes.append(_("conv.note.scatter"))
    elif any(spec.padding):
        notes.append(_("conv.note.padding", padding="$" + _per_axis(spec.padding) + "$"))
    cin, cout = spec.in_channels // spec.groups, spec.out_channels // spec.groups
    if spec.in_channels > 1 or spec.groups > 1:
        if spec.groups > 1:
            notes.append(_("conv.note.groups", cin=cin, cout=cout, groups=spec.groups))
        else:
            notes.append(_("conv.note.maps", cin=cin))
    return notes


def size_rules(spec: ConvSpec) -> list[str]:
    """The output size on every axis, rule and numbers (one line for all axes when their
    numbers are the same)."""
    out = []
    settings = {
        (spec.input[a], spec.kernel[a], spec.stride[a], spec.padding[a], spec.dilation[a],
         spec.output_padding[a])
        for a in range(spec.ndim)
    }
    same = len(settings) == 1 and spec.ndim > 1
    for a in range(1 if same else spec.ndim):
        name = _SIZES[spec.ndim][a]
        lhs = " = ".join(f"{x}_o" for x in _SIZES[spec.ndim]) if same else f"{name}_o"
        h, k, s, p, d = (
            spec.input[a],
            spec.kernel[a],
            spec.stride[a],
            spec.padding[a],
            spec.dilation[a],
        )
        if spec.transposed:
            op = spec.output_padding[a]
            out.append(
                rf"{lhs} = ({name}-1)s - 2P + d(k-1) + P_{{\text{{out}}}} + 1 "
                rf"= ({h}-1)\cdot {s} - 2\cdot {p} + {d}\cdot({k}-1) + {op} + 1 "
                rf"= {spec.output[a]}"
            )
        else:
            out.append(
                rf"{lhs} = \left\lfloor \frac{{{name} + 2P - d(k-1) - 1}}{{s}} \right\rfloor"
                r" + 1 "
                rf"= \left\lfloor \frac{{{h} + 2\cdot {p} - {d}\cdot({k}-1) - 1}}{{{s}}} "
                rf"\right\rfloor + 1 = {spec.output[a]}"
            )
    return out


def title(spec: ConvSpec, _: Callable[..., str]) -> str:
    """The sheet's title in plain text, naming every setting that is not the default."""
    if spec.ndim == 1:
        parts = [
            _("title.length_input", n=spec.input[0]),
            _("title.length_kernel", n=spec.kernel[0]),
        ]
    else:
        parts = [
            _("title.input", size=_size(spec.input, "×")),
            _("title.kernel", size=_size(spec.kernel, "×")),
        ]
    if spec.in_channels > 1 or spec.out_channels > 1:
        parts.append(_("title.maps", cin=spec.in_channels, cout=spec.out_channels))
    if spec.batch > 1:
        parts.append(_("title.batch", n=spec.batch))
    for msg_id, values, neutral in (
        ("title.stride", spec.stride, 1),
        ("title.padding", spec.padding, 0),
        ("title.dilation", spec.dilation, 1),
        ("title.output_padding", spec.output_padding, 0),
    ):
        if any(v != neutral for v in values):
            parts.append(_(msg_id, value=_per_axis(values)))
    if spec.groups > 1:
        parts.append(_("title.groups", n=spec.groups))
    parts.append(_("title.convention", convention=convention_name(spec.convention, _)))
    return _("title.join", kind=spec.kind, parts=_("title.sep").join(parts))


def convention_name(convention: str, _: Callable[..., str]) -> str:
    """"correlation" or "convolution" in the sheet's language."""
    return _("conv.correlation") if convention == "correlation" else _("conv.convolution")


def axis_name(axis: str, _: Callable[..., str], one: bool = False) -> str:
    """An axis noun (``rows``; ``row`` when ``one``) in the sheet's language, for "Input rows
    0, 5 ..."."""
    names = {
        "positions": ("axis.positions", "axis.position"),
        "rows": ("axis.rows", "axis.row"),
        "columns": ("axis.columns", "axis.column"),
        "slices": ("axis.slices", "axis.slice"),
    }
    return _(names[axis][1 if one else 0])


def _per_axis(values: tuple[int, ...]) -> str:
    """``1`` when every axis has the same value, else ``(1, 0)``."""
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def _index_list(values: tuple[int, ...]) -> str:
    return ", ".join(map(str, values))


def unread_notes(spec: ConvSpec, _: Callable[..., str]) -> list[str]:
    """Input positions no output reads (gradient exactly 0) and outputs no product reaches."""
    notes = []
    axes = _AXES[spec.ndim]
    for a, unread in enumerate(spec.unread_input()):
        if unread:
            many = len(unread) > 1
            msg_id = "conv.unread.many" if many else "conv.unread.one"
            notes.append(
                _(msg_id, axis=axis_name(axes[a], _, not many), at=f"${_index_list(unread)}$")
            )
    for a, unwritten in enumerate(spec.unwritten_output()):
        if unwritten:
            many = len(unwritten) > 1
            msg_id = "conv.unwritten.many" if many else "conv.unwritten.one"
            notes.append(
                _(msg_id, axis=axis_name(axes[a], _, not many), at=f"${_index_list(unwritten)}$")
            )
    return notes


def delta_note(spec: ConvSpec, _: Callable[..., str]) -> str:
    """How the input-gradient formula reads the delta, in words (prose)."""
    if spec.transposed:
        if not any(spec.padding):
            return _("conv.delta.as_is")
        return _("conv.delta.bordered")
    parts = []
    if any(s > 1 for s in spec.stride):
        parts.append(_("conv.delta.inserted"))
    parts.append(_("conv.delta.reach"))
    trailing = spec.trailing()
    if any(trailing):
        parts.append(_("conv.delta.trailing", a=",".join(map(str, trailing))))
    return _("conv.delta.reads", parts=_("conv.delta.sep").join(parts))


class ConvSheet:
    """The parts of a convolution sheet, read through a SheetView."""

    def __init__(self, spec: ConvSpec, view: SheetView) -> None:
        self.spec = spec
        self.view = view
        self.d = view.d
        self.p = view.p

    def closed_form_latex(self, c: ClosedFormCheck) -> str:
        """The closed form with its sums over batch and maps, in the layer's own layout.

        Direct layer: K is (m, c); a grouped layer reads input map c_0(m)+c.
        Transposed layer: K is (c, o); input map c feeds output map o_0(c)+o.
        """
        s, grouped = self.spec, self.spec.groups > 1
        batch = r"\sum_{n} " if s.batch > 1 else ""
        if c.of == "b":
            names = {"D": self.view.map_name("D", ("n", "m"))}
            lhs, sums = self.view.map_name("b", ("m",)), batch
        elif s.transposed:
            cout = s.out_channels // s.groups
            out_map = ("o_0(c)+o" if cout > 1 else "o_0(c)") if grouped else "o"
            names = {
                "A": self.view.map_name("A", ("n", "c")),
                "D": self.view.map_name("D", ("n", out_map)),
                "K": self.view.map_name("K", ("c", "o")),
            }
            if c.of == "K":
                lhs, sums = names["K"], batch
            else:
                lhs = names["A"]
                sums = r"\sum_{o} " if cout > 1 else ""
        else:
            cin = s.in_channels // s.groups
            in_map = ("c_0(m)+c" if cin > 1 else "c_0(m)") if grouped else "c"
            names = {
                "A": self.view.map_name("A", ("n", in_map)),
                "D": self.view.map_name("D", ("n", "m")),
                "K": self.view.map_name("K", ("m", "c-c_0(m)" if grouped else "c")),
            }
            if c.of == "K":
                lhs, sums = self.view.map_name("K", ("m", "c")), batch
            else:
                lhs = self.view.map_name("A", ("n", "c"))
                sums = (
                    r"\sum_{m \in G(c)} " if grouped else r"\sum_{m} " if s.out_channels > 1 else ""
                )
        return rf"\frac{{\partial E}}{{\partial {lhs}}} = {sums}{c.formula.latex(names)}"

    def group_note(self) -> str | None:
        """What the group notation of the closed forms means (LaTeX-with-$ prose)."""
        s = self.spec
        _ = self.view._
        if s.groups == 1:
            return None
        cin, cout = s.in_channels // s.groups, s.out_channels // s.groups

        def first(size: int, of: str, per: int) -> str:  # size·floor(of/per)
            group = of if per == 1 else rf"\lfloor {of}/{per} \rfloor"
            return group if size == 1 else f"{size}{group}"

        if s.transposed:
            note = _("conv.group.first_out", o0=rf"$o_0(c) = {first(cout, 'c', cin)}$")
            if cout > 1:
                note += _("conv.group.o_runs", n=cout)
            return note + _("conv.colon_stop")
        note = _("conv.group.first_in", c0=rf"$c_0(m) = {first(cin, 'm', cout)}$")
        if cout > 1:
            return note + _("conv.group.g_many", n=cout)
        return note + _("conv.group.g_one")

    def contributions(self) -> list[dict[str, Any]]:
        """For each kernel element: the (A element, output) pairs it multiplies into."""
        out = []
        for g in self.d.gradients_of("K"):
            pairs = []
            for c in g.contributions:
                partner = self.p._print(c.derivative)
                pairs.append(rf"{partner} \to {self.view.sym('Z', c.output)}")
            out.append({"symbol": self.view.sym("K", g.index), "pairs": pairs})
        return out

    def regroupings(self) -> list[dict[str, Any]]:
        out = []
        for r in self.d.regroupings:
            parts = [
                (
                    rf"{self.p._print(pt.delta)} {self.p.matrix(pt.patch)}",
                    term_width(self.p._print(pt.delta)) + self.view.matrix_width(pt.patch) + 2.5,
                )
                for pt in r.terms
            ]
            fits = all(width <= MATRIX_BUDGET for _, width in parts)
            out.append(
                {
                    "lhs": rf"\frac{{\partial E}}{{\partial {self.p.name('K', r.kernel_map)}}}",
                    "rows": split_matrices(parts, MATRIX_BUDGET) if fits else None,
                }
            )
        return out

    def delta_maps(self) -> list[dict[str, Any]]:
        out = []
        for m in self.d.delta_maps:
            fits = self.view.matrix_width(m.rows) <= MATRIX_BUDGET and len(m.rows[0]) <= MAX_COLUMNS
            out.append(
                {
                    "name": self.p.name("D", m.delta_map),
                    "matrix": self.p.matrix(m.rows) if fits else None,
                    "shape": r" \times ".join(
                        map(str, (len(m.rows), len(m.rows[0])))
                        if len(m.rows) > 1
                        else (str(len(m.rows[0])),)
                    ),
                }
            )
        return out

    def group_blocks(self) -> str | None:
        """The block structure of a grouped layer: which kernel map links which maps."""
        s = self.spec
        if s.groups == 1:
            return None
        cin, cout = s.in_channels // s.groups, s.out_channels // s.groups
        work.add("render", s.in_channels * s.out_channels)
        rows = []
        if s.transposed:  # rows: input maps c, columns: output maps o
            for c in range(s.in_channels):
                g = c // cin
                rows.append(
                    [
                        self.p.name("K", (c, o - g * cout)) if o // cout == g else "0"
                        for o in range(s.out_channels)
                    ]
                )
        else:  # rows: output maps m, columns: input maps c
            for m in range(s.out_channels):
                g = m // cout
                rows.append(
                    [
                        self.p.name("K", (m, c - g * cin)) if c // cin == g else "0"
                        for c in range(s.in_channels)
                    ]
                )
        body = r" \\ ".join(" & ".join(r) for r in rows)
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"



def _command(s: ConvSpec) -> str:
    """The command line that regenerates this sheet."""
    args = [f"symderiv derive {s.kind}", "--input " + "x".join(map(str, s.input))]
    args.append("--kernel " + "x".join(map(str, s.kernel)))
    args += [f"--{name} {value}" for name, _, value in s.nondefault()]
    args.append(f"--convention {s.convention}")
    return " ".join(args)


def _convention_prose(s: ConvSpec, classic: bool, _: Callable[..., str]) -> str:
    """The sentence that names the layer's convention (prose markup)."""
    if s.convention == "correlation":
        expansion = (
            _("conv.classic_expansion") if classic else ""
        )
        return _("conv.prose_correlation", kind=s.kind, expansion=expansion)
    if s.transposed:
        source = _("conv.source_transposed")
    elif s.simple_geometry:
        source = _("conv.source_matlab", call=f"{CONV_NAMES[s.ndim]}(A, K, 'valid')")
    else:
        source = _("conv.source_general")
    return _("conv.prose_convolution", source=source)


def _heading(c: ClosedFormCheck, _: Callable[..., str]) -> str:
    if c.stated_in == USER_CLAIM:
        return _("closed.user", of=c.of)
    if c.expected:
        if c.stated_in == "both":
            return _("closed.either", of=c.of)
        return _("closed.own", of=c.of, convention=convention_name(c.stated_in, _))
    return _("closed.other", of=c.of, convention=convention_name(c.stated_in, _))


def _window(s: ConvSpec, view: SheetView) -> dict[str, Any] | None:
    """The padded (and zero-inserted) delta with the flipped kernel over it, and one input
    element worked out as the window it covers: only where the sum of the window's
    products is proved equal to the derived element (one output map, 1-D or 2-D)."""
    import numpy as np
    import sympy

    from ...formulas.operators import rot180, zero_insert

    d = view.d
    if s.transposed or s.ndim > 2 or s.out_channels > 1 or not d.delta_maps:
        return None
    grads = [g for g in d.gradients_of("A") if g.index[:2] == (0, 0)]
    if not grads:
        return None
    g = view.example(grads)
    delta = d.delta_maps[0]
    padded = np.array(delta.rows, dtype=object)
    K = next(t for t in d.tensors if t.letter == "K").array()[0, 0]
    if s.ndim == 1:
        padded = padded[0]
    kernel = zero_insert(K, s.dilation) if any(x > 1 for x in s.dilation) else K
    flipped = rot180(kernel) if s.convention == "correlation" else kernel
    start = tuple(i + p for i, p in zip(g.index[2:], s.padding, strict=True))
    window = padded[tuple(slice(a, a + n) for a, n in zip(start, flipped.shape, strict=True))]
    if window.shape != flipped.shape:
        return None
    total = sympy.Add(*(window[pos] * flipped[pos] for pos in np.ndindex(*flipped.shape)))
    if sympy.expand(total - g.expr) != 0:
        return None

    def grid(a: Any) -> list[list[Any]]:
        return [list(a)] if a.ndim == 1 else [list(r) for r in a]

    rows = grid(padded)
    too_wide = view.matrix_width(tuple(map(tuple, rows))) > MATRIX_BUDGET
    if too_wide or len(rows[0]) > MAX_COLUMNS:
        return None  # the padded delta is printed nowhere else either

    dname = view.p.name("D", delta.delta_map)
    kname = (
        rf"\operatorname{{rot180}}({view.p.name('K', (0, 0))})"
        if s.convention == "correlation"
        else view.p.name("K", (0, 0))
    )
    _ = view._
    return {
        "kind": "window",
        "note": _("conv.window.note"),
        "delta": rf"\tilde{{{dname}}}",
        "delta_matrix": view.p.matrix(grid(padded)),
        "kernel": kname,
        "kernel_matrix": view.p.matrix(grid(flipped)),
        "example": _("conv.window.example", a=f"${view.sym('A', g.index)}$",
                     at=", ".join(map(str, start))),
        "lhs": view.lhs(g),
        "window": view.p.matrix(grid(window)),
        "sum": view.p.sum(g.terms),
    }


def conv_sheet(s: ConvSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a convolution layer's sheet."""
    d = view.d
    _ = view._
    summary = view.summary
    parts = ConvSheet(s, view)
    classic = (
        s.kind == "conv2d"
        and s.simple_geometry
        and s.in_channels == s.out_channels == s.batch == 1
    )
    commas = d.notation.commas
    groups = parts.group_blocks()
    rows = _("conv.groups_rows_t") if s.transposed else _("conv.groups_rows")
    shapes = s.shapes()
    spatial = s.ndim
    maps = [
        ("A", list(np.ndindex(*shapes["A"][:2])), shapes["A"][2:]),
        ("K", list(np.ndindex(*shapes["K"][:2])), shapes["K"][2:]),
        ("Z", list(np.ndindex(*shapes["Z"][:2])), shapes["Z"][2:]),
        ("D", list(np.ndindex(*shapes["D"][:2])), shapes["D"][2:]),
    ]
    matrices = None
    if spatial <= 2 and summary:  # a summary shows the first map of each tensor
        matrices = view.tensor_matrices([(x, leads[:1], shape) for x, leads, shape in maps])
        if matrices is not None:
            matrices["notes"] = [
                view.more_maps(x, len(leads) - 1) for x, leads, _shape in maps if len(leads) > 1
            ]
    elif spatial <= 2:
        matrices = view.tensor_matrices(maps)
    layer_section = {
        "kind": "layer",
        "heading": _("layer.heading"),
        "intro": [_convention_prose(s, classic, _)],
        "definition": definition_latex(s, commas),
        "notes": definition_notes(s, _),
        "size_rules": size_rules(s),
        "more_notes": unread_notes(s, _),
        "groups": None
        if groups is None
        else {"text": _("conv.groups", rows=rows), "matrix": groups},
        "cross_ref": True,
        "tensors": view.tensor_rows(),
        "output": {"letter": "Z", "shape": _size(shapes["Z"])},
        "closing": None,
        "no_table": summary and matrices is not None,
        "after": [matrices] if matrices is not None else [],
    }
    forms = []
    for c in d.closed_forms:
        form = view.closed_form(c, parts.closed_form_latex(c), _heading(c, _))
        if s.convention == "correlation" and c.of == "K" and classic and not c.expected:
            form["remark"] = _("conv.classic_remark")
        form["shown_above"] = c.expected and c.stated_in != USER_CLAIM  # in the story
        forms.append(form)
    legend = any(
        isinstance(node, (Xcorr, Pad, ZeroInsert, Crop))
        for c in d.closed_forms
        for node in c.formula.walk()
    )
    story = story_section(s, d.closed_forms, parts.closed_form_latex, commas, _)
    kernel_after: list[dict[str, Any]] = []
    if d.regroupings and not summary:
        kernel_after.append({"kind": "regrouping", "entries": parts.regroupings()})
    kernel_grads = d.gradients_of("K")
    input_grads = d.gradients_of("A")
    input_after: list[dict[str, Any]] = []
    input_section = view.elements_section(
        _("conv.input.heading"), input_grads, None, "lines", input_after
    )
    if not summary and spatial <= 2 and s.in_channels == s.batch == 1:
        grid = _grid_of(input_grads, shapes["A"][2:])
        matrix = view.element_matrix(grid)
        if matrix is not None:
            input_section["equations"] = []
            input_section["intro"] = input_section["intro_md"] = _("conv.input.matrix")
            input_after.append(
                {"kind": "matrix_rows", "note": None, "notes": [],
                 "lines": [[{"lhs": r"\frac{\partial E}{\partial A}", "matrix": matrix}]]}
            )
    padded = parts.delta_maps() if d.delta_maps and not summary else []
    if padded:
        input_after.append({"kind": "padded_delta", "note": delta_note(s, _), "entries": padded})
    window = _window(s, view)
    if window is not None and summary and len(d.delta_maps[0].rows) > SUMMARY_WINDOW_ROWS:
        window = None  # a summary leaves out a large padded delta (full detail shows it)
    if window is not None:
        # the padded delta printed just above is not printed again beside the kernel
        window["delta_shown"] = bool(padded) and padded[0]["matrix"] is not None
        input_after.append(window)
    delta_index = "".join(_IN[s.ndim]) if not commas else ",".join(_IN[s.ndim])
    if not summary:
        input_after.append({"kind": "activation_delta", "index": delta_index})
    many = s.out_channels > 1
    bias_intro = (_("conv.bias_many") if many else _("conv.bias_one")) + (
        _("conv.bias_batch") if s.batch > 1 else ""
    ) + _("conv.colon")
    if summary:
        worked: list[dict[str, Any] | None] = [
            view.worked_section(
                [d.forward, kernel_grads, d.gradients_of("b"), input_grads],
                [window] if window is not None else [],
            )
        ]
    else:
        worked = [
            view.forward_section(),
            {
                "kind": "contributions",
                "heading": _("contributions.heading"),
                "intro": _("conv.contributions"),
                "column": _("role.kernel"),
                "rows": parts.contributions(),
            },
            view.elements_section(
                _("conv.kernel.heading"), kernel_grads, _("conv.chain"), "lines", kernel_after
            ),
            view.elements_section(
                _("conv.bias.heading"), d.gradients_of("b"), bias_intro, "aligned"
            ),
            input_section,
        ]
    sections: list[dict[str, Any] | None] = [
        view.notation_section(),
        layer_section,
        story,
        *worked,
        {
            "kind": "closed_forms",
            "heading": _("closed.heading"),
            "intro": _("conv.closed_intro_summary")
            if summary
            else _("conv.closed_intro", conv=CONV_NAMES[s.ndim]),
            "legend": _("conv.legend") if legend else None,
            "group_note": parts.group_note(),
            "per_map": s.batch > 1 or s.in_channels > 1 or s.out_channels > 1,
            "forms": forms,
        },
        view.numeric_section(),
        view.verdict_section(_("conv.verdict", convention=convention_name(s.convention, _))),
        view.references_section(
            ["ref.seeds_conv", "ref.bouvrie", "ref.dumoulin"],
            [f"torch.nn.{_TORCH[s.kind]}", "torch.nn.grad"],
        ),
    ]
    text_title = title(s, _)
    return {
        "title": tex_escape(text_title).replace("×", r"$\times$").replace("→", r"$\to$"),
        "title_text": text_title,
        "command": _command(s),
        "sections": [x for x in sections if x is not None],
    }


_TORCH = {
    "conv1d": "Conv1d",
    "conv2d": "Conv2d",
    "conv3d": "Conv3d",
    "conv_transpose1d": "ConvTranspose1d",
    "conv_transpose2d": "ConvTranspose2d",
    "conv_transpose3d": "ConvTranspose3d",
}


def _grid_of(elements: Sequence[Any], shape: tuple[int, ...]) -> list[list[Any]]:
    """One map's elements (in row-major order) as rows; a 1-D map as one row."""
    items = list(elements)
    if len(shape) == 1:
        return [items]
    return [items[r * shape[1] : (r + 1) * shape[1]] for r in range(shape[0])]
