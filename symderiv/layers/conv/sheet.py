"""What a convolution sheet says: its prose, definition, size rules and exhibits.

Read through a :class:`~symderiv.render.sheet.SheetView`; the sections it
returns are rendered by the section templates every layer shares.
"""

from __future__ import annotations

from typing import Any

from ...core import work
from ...core.model import ClosedFormCheck
from ...core.pipeline import USER_CLAIM
from ...formulas.nodes import CONV_NAMES, Crop, Pad, Xcorr, ZeroInsert
from ...render.printing import term_width
from ...render.sheet import MATRIX_BUDGET, MAX_COLUMNS, SheetView, size_text, split_matrices
from ...render.sheet import tex_escape as tex_escape
from .spec import ConvSpec

__all__ = ["conv_sheet", "definition_latex", "size_rules", "title"]

_size = size_text
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
        kidx = ",".join(ker)
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


def definition_notes(spec: ConvSpec) -> list[str]:
    """Sentences (LaTeX) that qualify the definition."""
    notes = []
    if spec.transposed:
        notes.append(
            r"Each input element is scattered into the outputs it reaches; products that would "
            r"land outside the output (in the cropped padding) are left out."
        )
    elif any(spec.padding):
        notes.append(
            r"The input is zero-padded by $" + _per_axis(spec.padding) + r"$ on each "
            r"side: products whose $A$ index falls outside the input read a zero and are left out."
        )
    cin, cout = spec.in_channels // spec.groups, spec.out_channels // spec.groups
    if spec.in_channels > 1 or spec.groups > 1:
        notes.append(
            f"Each output map sums this over the {cin} input map"
            + ("s" if cin > 1 else "")
            + (
                f" of its group ({spec.groups} groups of {cin} input and {cout} output maps)."
                if spec.groups > 1
                else "."
            )
        )
    return notes


def size_rules(spec: ConvSpec) -> list[str]:
    """The output size on every axis, rule and numbers."""
    out = []
    for a in range(spec.ndim):
        name = _SIZES[spec.ndim][a]
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
                rf"{name}_o = ({name}-1)s - 2P + d(k-1) + P_{{\text{{out}}}} + 1 "
                rf"= ({h}-1)\cdot {s} - 2\cdot {p} + {d}\cdot({k}-1) + {op} + 1 "
                rf"= {spec.output[a]}"
            )
        else:
            out.append(
                rf"{name}_o = \left\lfloor \frac{{{name} + 2P - d(k-1) - 1}}{{s}} \right\rfloor"
                r" + 1 "
                rf"= \left\lfloor \frac{{{h} + 2\cdot {p} - {d}\cdot({k}-1) - 1}}{{{s}}} "
                rf"\right\rfloor + 1 = {spec.output[a]}"
            )
    return out


def title(spec: ConvSpec) -> str:
    """The sheet's title in plain text, naming every setting that is not the default."""
    if spec.ndim == 1:
        parts = [f"length-{spec.input[0]} input", f"length-{spec.kernel[0]} kernel"]
    else:
        parts = [f"{_size(spec.input, '×')} input", f"{_size(spec.kernel, '×')} kernel"]
    if spec.in_channels > 1 or spec.out_channels > 1:
        parts.append(f"{spec.in_channels} → {spec.out_channels} maps")
    if spec.batch > 1:
        parts.append(f"batch {spec.batch}")
    for word, values, neutral in (
        ("stride", spec.stride, 1),
        ("padding", spec.padding, 0),
        ("dilation", spec.dilation, 1),
        ("output padding", spec.output_padding, 0),
    ):
        if any(v != neutral for v in values):
            parts.append(f"{word} {_per_axis(values)}")
    if spec.groups > 1:
        parts.append(f"{spec.groups} groups")
    return f"{spec.kind}: {', '.join(parts)}, {spec.convention} convention"


def _per_axis(values: tuple[int, ...]) -> str:
    """``1`` when every axis has the same value, else ``(1, 0)``."""
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def _index_list(values: tuple[int, ...]) -> str:
    return ", ".join(map(str, values))


def unread_notes(spec: ConvSpec) -> list[str]:
    """Input positions no output reads (gradient exactly 0) and outputs no product reaches."""
    notes = []
    axes = _AXES[spec.ndim]
    for a, unread in enumerate(spec.unread_input()):
        if unread:
            noun, verb = (axes[a], "are") if len(unread) > 1 else (axes[a][:-1], "is")
            notes.append(
                f"Input {noun} ${_index_list(unread)}$ {verb} read by no output: "
                "$\\partial E/\\partial A$ is exactly $0$ there."
            )
    for a, unwritten in enumerate(spec.unwritten_output()):
        if unwritten:
            noun, verb = (axes[a], "receive") if len(unwritten) > 1 else (axes[a][:-1], "receives")
            notes.append(
                f"Output {noun} ${_index_list(unwritten)}$ {verb} no product: $Z = b$ there, "
                "and the deltas there reach neither $A$ nor $K$."
            )
    return notes


def delta_note(spec: ConvSpec) -> str:
    """How the input-gradient formula reads the delta, in words."""
    if spec.transposed:
        if not any(spec.padding):
            return "The input-gradient formula reads the delta as it is:"
        return "The input-gradient formula reads the delta bordered by the layer's padding:"
    parts = []
    if any(s > 1 for s in spec.stride):
        parts.append(r"with $s-1$ zeros inserted between neighbouring entries (the stride)")
    parts.append(r"bordered by $d(k-1)$ zeros (the kernel reach) on each side")
    trailing = spec.trailing()
    if any(trailing):
        parts.append(
            r"plus $a = (\text{size} + 2P - d(k-1) - 1) \bmod s = "
            + ",".join(map(str, trailing))
            + r"$ more at the end"
        )
    return "The input-gradient formula reads the delta " + ", ".join(parts) + ":"


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
        """What the group notation of the closed forms means."""
        s = self.spec
        if s.groups == 1:
            return None
        cin, cout = s.in_channels // s.groups, s.out_channels // s.groups

        def first(size: int, of: str, per: int) -> str:  # size·floor(of/per)
            group = of if per == 1 else rf"\lfloor {of}/{per} \rfloor"
            return group if size == 1 else f"{size}{group}"

        if s.transposed:
            note = (
                rf"$o_0(c) = {first(cout, 'c', cin)}$ is the first output map of input map "
                "$c$'s group"
            )
            if cout > 1:
                note += f", and $o$ runs over the {cout} output maps of that group"
            return note + "."
        note = (
            rf"$c_0(m) = {first(cin, 'm', cout)}$ is the first input map of output map $m$'s group"
        )
        if cout > 1:
            return (
                note
                + f", and $G(c)$ is the set of the {cout} output maps of input map $c$'s group."
            )
        return note + ", and $G(c)$ holds the one output map of input map $c$'s group."

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


def _convention_prose(s: ConvSpec, classic: bool) -> str:
    """The sentence that names the layer's convention (prose markup)."""
    if s.convention == "correlation":
        expansion = (
            "; the classic expansion\n$Z_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$"
            if classic
            else ""
        )
        return (
            f"Convention: **correlation** (PyTorch's `{s.kind}`{expansion}). "
            "The kernel is *not* flipped:"
        )
    if s.transposed:
        source = "the adjoint of MATLAB's true convolution"
    elif s.simple_geometry:
        source = f"MATLAB's `{CONV_NAMES[s.ndim]}(A, K, 'valid')`, Bouvrie's notes"
    else:
        source = "as in MATLAB's true convolution and Bouvrie's notes"
    return f"Convention: **convolution** ({source}).\nThe kernel *is* flipped:"


_CLOSED_INTRO = (
    "Each closed form below was built from array operators (`rot180`, which reverses every\n"
    "axis; MATLAB's true convolution `{matlab}`; zero padding) independently of the derivation, "
    "and compared with the\nderived elements one by one as expanded polynomials."
)
_LEGEND = (
    "Notation: $X \\star_{s,d} Y$ is the valid cross-correlation\n"
    "$(X \\star_{s,d} Y)_u = \\sum_p X_{su + dp}\\, Y_p$ (plain $\\star$ when $s = d = 1$);\n"
    "$\\operatorname{pad}_{a,b}$ adds $a$ zeros before and $b$ after each axis "
    "(one number: both sides);\n"
    "$\\operatorname{ins}_s$ inserts $s-1$ zeros between neighbouring entries;\n"
    "$\\operatorname{crop}_{a,b}$ removes $a$ entries before and $b$ after."
)
_CLASSIC_REMARK = (
    "The classic lecture notes state this formula beside a correlation-style expansion "
    "(they call\nthe output $B$: $B_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$); "
    "it belongs to the convolution\nconvention."
)


def _heading(c: ClosedFormCheck) -> str:
    if c.stated_in == USER_CLAIM:
        return f"Your formula for $\\partial E/\\partial {c.of}$."
    if c.expected:
        where = "either convention" if c.stated_in == "both" else f"{c.stated_in} convention"
        return f"$\\partial E/\\partial {c.of}$, {where}."
    return f"The {c.stated_in} convention's formula for $\\partial E/\\partial {c.of}$."


def conv_sheet(s: ConvSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a convolution layer's sheet."""
    d = view.d
    parts = ConvSheet(s, view)
    classic = (
        s.kind == "conv2d"
        and s.simple_geometry
        and s.in_channels == s.out_channels == s.batch == 1
    )
    commas = d.notation.commas
    groups = parts.group_blocks()
    rows = (
        "input maps (rows) to output maps (columns)"
        if s.transposed
        else "output maps (rows) to input maps (columns)"
    )
    closing = (
        "$D = \\partial E/\\partial Z$ is the delta (sensitivity) of the output.\n"
        "Indices start at 0. A superscript in parentheses gives the batch and channel "
        "indices of a map\nwhen there is more than one; the subscript gives the position"
        + (", with commas between\nthe indices" if commas else "")
        + "."
    )
    layer_section = {
        "kind": "layer",
        "heading": "The layer",
        "intro": [_convention_prose(s, classic)],
        "definition": definition_latex(s, commas),
        "notes": definition_notes(s),
        "size_rules": size_rules(s),
        "more_notes": unread_notes(s),
        "groups": None
        if groups is None
        else {
            "text": "Groups: an output map sees only the input maps of its group, so the "
            f"kernel maps linking\n{rows}\nform blocks:",
            "matrix": groups,
        },
        "cross_ref": True,
        "tensors": view.tensor_rows(),
        "output": {"letter": "Z", "shape": _size(s.shapes()["Z"])},
        "closing": closing,
    }
    gradients = {x: [view.equation(g) for g in d.gradients_of(x)] for x in ("K", "b", "A")}
    kernel_after = []
    if d.regroupings:
        kernel_after.append({"kind": "regrouping", "entries": parts.regroupings()})
    input_after = []
    if d.delta_maps:
        input_after.append(
            {"kind": "padded_delta", "note": delta_note(s), "entries": parts.delta_maps()}
        )
    delta_index = "".join(_IN[s.ndim]) if not commas else ",".join(_IN[s.ndim])
    input_after.append({"kind": "activation_delta", "index": delta_index})
    many = s.out_channels > 1
    bias_intro = (
        "Every output"
        + (" of map $m$" if many else "")
        + " contains $"
        + ("b^{(m)}" if many else "b")
        + "$ with coefficient 1, so the bias gradient is the\nsum of "
        + ("that map's" if many else "the")
        + " deltas"
        + (" over the whole batch" if s.batch > 1 else "")
        + ":"
    )
    chain = (
        "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
        "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$ (the table "
        "above); each derivative below was computed by SymPy from\nthe forward expressions."
    )
    forms = []
    for c in d.closed_forms:
        form = view.closed_form(c, parts.closed_form_latex(c), _heading(c))
        if s.convention == "correlation" and c.of == "K" and classic and not c.expected:
            form["remark"] = _CLASSIC_REMARK
        forms.append(form)
    legend = any(
        isinstance(node, (Xcorr, Pad, ZeroInsert, Crop))
        for c in d.closed_forms
        for node in c.formula.walk()
    )
    sections = [
        layer_section,
        view.forward_section(),
        {
            "kind": "contributions",
            "heading": "Contribution table",
            "intro": "Which element of $A$ each kernel element multiplies, to produce which "
            "output element:",
            "column": "kernel",
            "rows": parts.contributions(),
        },
        {
            "kind": "elements",
            "heading": "Kernel gradient",
            "intro": chain,
            "intro_md": chain,
            "layout": "lines",
            "equations": gradients["K"],
            "after": kernel_after,
        },
        {
            "kind": "elements",
            "heading": "Bias gradient",
            "intro": bias_intro,
            "intro_md": bias_intro,
            "layout": "aligned",
            "equations": gradients["b"],
            "after": [],
        },
        {
            "kind": "elements",
            "heading": "Input gradient",
            "intro": None,
            "intro_md": None,
            "layout": "lines",
            "equations": gradients["A"],
            "after": input_after,
        },
        {
            "kind": "closed_forms",
            "heading": "Closed forms, proved",
            "intro": _CLOSED_INTRO.format(matlab=CONV_NAMES[s.ndim]),
            "legend": _LEGEND if legend else None,
            "group_note": parts.group_note(),
            "per_map": s.batch > 1 or s.in_channels > 1 or s.out_channels > 1,
            "forms": forms,
        },
        {
            "kind": "numeric",
            "heading": "Numeric cross-check",
            "numeric": view.numeric(),
            "sampling": "uniform in $[-1, 1)$",
            "verdict": "every gradient above was derived by the chain rule, the closed\n"
            f"forms of the {s.convention} convention were proved equal to it exactly, "
            "and the numbers agree.",
        },
    ]
    text_title = title(s)
    return {
        "title": tex_escape(text_title).replace("×", r"$\times$").replace("→", r"$\to$"),
        "title_text": text_title,
        "command": _command(s),
        "sections": sections,
    }
