"""The pooling sheet's story: the chain rule in index form, and the substitution that gives the
closed form.

Mean pooling: an input element is in the windows whose index solves ``s·u + p − P = i``; when
the windows tile the input that is the one window ``u = ⌊i/k⌋``, so ∂E/∂A = up(D)/k²; in
general it is the zero-inserted, bordered delta correlated with a block of ones.  Max pooling:
the switches make each output linear in its window, and their values (set by A) send each
delta to its window's maximum.  Every index form has the layer's numbers filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._sheet import chain_step, index, step, story_section
from .spec import MaxPoolSpec, PoolSpec

if TYPE_CHECKING:
    from ...render.sheet import SheetView

__all__ = ["avg_story", "max_story", "switch_name", "window_sum"]

OUT = {1: ("u",), 2: ("u", "v"), 3: ("t", "u", "v")}
KER = {1: ("p",), 2: ("p", "q"), 3: ("r", "p", "q")}
IN = {1: ("i",), 2: ("i", "j"), 3: ("h", "i", "j")}


def _scaled(coef: int, var: str) -> str:
    return var if coef == 1 else f"{coef}{var}"


def _offset(value: int) -> str:
    """``+1``, ``-2`` or nothing."""
    return "" if value == 0 else f"{value:+d}"


def cell(spec: PoolSpec, out: Sequence[str], ker: Sequence[str]) -> str:
    """The input position a window cell reads: ``2u+p-1,2v+q-1``."""
    return ",".join(
        f"{_scaled(s, u)}+{p}{_offset(-pad)}"
        for s, u, p, pad in zip(spec.stride, out, ker, spec.padding, strict=True)
    )


def window_sum(spec: PoolSpec) -> str:
    """``\\sum_{p,q=0}^{1}`` (one sum per axis when the window's sides differ)."""
    ker = KER[spec.ndim]
    if len(set(spec.kernel)) == 1:
        return rf"\sum_{{{','.join(ker)}=0}}^{{{spec.kernel[0] - 1}}}"
    return " ".join(rf"\sum_{{{p}=0}}^{{{k - 1}}}" for p, k in zip(ker, spec.kernel, strict=True))


def switch_name(spec: PoolSpec, commas: bool) -> str:
    """A switch in index form: ``s^{(u,v)}_{pq}``."""
    return f"s^{{({','.join(OUT[spec.ndim])})}}_{{{index(KER[spec.ndim], commas)}}}"


def mean_coefficient(spec: PoolSpec) -> str:
    """``\\frac{1}{4}`` (nothing for a window of one cell)."""
    return "" if spec.window == 1 else rf"\frac{{1}}{{{spec.window}}} "


def _math(parts: Sequence[str]) -> str:
    """``$2u+p = i$, $2v+q = j$``: one formula per axis."""
    return ", ".join(f"${p}$" for p in parts)


def _offsets(spec: PoolSpec) -> str:
    """``$0 \\le p, q \\le 1$`` (per axis when the window's sides differ)."""
    ker = KER[spec.ndim]
    if len(set(spec.kernel)) == 1:
        return rf"$0 \le {', '.join(ker)} \le {spec.kernel[0] - 1}$"
    return _math([rf"0 \le {p} \le {k - 1}" for p, k in zip(ker, spec.kernel, strict=True)])


def _conditions(spec: PoolSpec) -> list[str]:
    """``2u+p = i`` (with the padding: ``2u+p-1 = i``), one per axis."""
    n = spec.ndim
    return [
        f"{_scaled(s, u)}+{p}{_offset(-pad)} = {i}"
        for s, u, p, pad, i in zip(spec.stride, OUT[n], KER[n], spec.padding, IN[n], strict=True)
    ]


def _closed(closed: dict[str, str], key: str) -> list[str]:
    return [closed[key]] if key in closed else []


def avg_story(spec: PoolSpec, view: SheetView, closed: dict[str, str]) -> dict[str, Any]:
    """The story of a mean-pooling sheet; ``closed`` maps the proved forms' ``stated_in``
    (``notes``, ``general``) to their LaTeX."""
    _, commas = view._, view.d.notation.commas
    n = spec.ndim
    out, ker, inp = OUT[n], KER[n], IN[n]
    a = f"A_{{{index(inp, commas)}}}"
    z = f"Z_{{{index(out, commas)}}}"
    lhs = rf"\frac{{\partial E}}{{\partial {a}}}"
    coef = mean_coefficient(spec)
    conditions = _conditions(spec)
    windows = r",\ ".join(conditions)
    steps = [
        chain_step(view, _("story.what.input"), out, a),
        step(
            _(
                "pool.story.avg_input",
                z=f"${z}$",
                a=f"${a}$",
                coef=f"$\\frac{{1}}{{{spec.window}}}$" if spec.window > 1 else "$1$",
                cond=_math(conditions),
                offsets=_offsets(spec),
            ),
            [
                rf"{lhs} = {coef}{window_sum(spec)} \sum_{{{','.join(out)}:\ {windows}}} "
                rf"D_{{{index(out, commas)}}}"
            ],
        ),
    ]
    if spec.tiles:
        floors = [
            i if k == 1 else rf"\lfloor {i}/{k} \rfloor"
            for i, k in zip(inp, spec.kernel, strict=True)
        ]
        where = _math([f"{u} = {f}" for u, f in zip(out, floors, strict=True)])
        offset = _math(
            [
                f"{p} = {i} \\bmod {k}" if k > 1 else f"{p} = 0"
                for p, i, k in zip(ker, inp, spec.kernel, strict=True)
            ]
        )
        block = r" \times ".join(map(str, spec.kernel))
        steps.append(
            step(
                _("pool.story.avg_tiles", u=where, p=offset),
                [
                    rf"{lhs} = {coef}D_{{{index(floors, commas)}}} = {coef}"
                    rf"\left(D \otimes \mathbf{{1}}_{{{block}}}\right)_{{{index(inp, commas)}}}"
                ],
            )
        )
        unread = any(spec.unread_input())
        padded = _("pool.story.avg_up_padded") if unread else ""
        steps.append(step(_("pool.story.avg_up", padded=padded), _closed(closed, "notes")))
    else:
        strided = any(s > 1 for s in spec.stride)
        delta = r"\hat{D}" if strided else "D"
        solved = _math(
            [
                f"{u} = ({i}{_offset(pad)}-{p})/{s}" if s > 1 else f"{u} = {i}{_offset(pad)}-{p}"
                for u, i, p, s, pad in zip(out, inp, ker, spec.stride, spec.padding, strict=True)
            ]
        )
        reads = [f"{i}{_offset(pad)}-{p}" for i, p, pad in zip(inp, ker, spec.padding, strict=True)]
        msg = "pool.story.avg_general" if strided else "pool.story.avg_general_s1"
        steps.append(
            step(
                _(msg, cond=_math(conditions), solved=solved),
                [rf"{lhs} = {coef}{window_sum(spec)} {delta}_{{{index(reads, commas)}}}"],
            )
        )
        crop = _("pool.story.crop") if any(spec.padding) else ""
        steps.append(
            step(_("pool.story.avg_general_closed", crop=crop), _closed(closed, "general"))
        )
    return story_section(view, steps)


def max_story(spec: MaxPoolSpec, view: SheetView, closed: str | None) -> dict[str, Any]:
    """The story of a max-pooling sheet; ``closed`` is the LaTeX of the proved routing."""
    _, commas = view._, view.d.notation.commas
    n = spec.ndim
    out, ker, inp = OUT[n], KER[n], IN[n]
    a = f"A_{{{index(inp, commas)}}}"
    z = f"Z_{{{index(out, commas)}}}"
    lhs = rf"\frac{{\partial E}}{{\partial {a}}}"
    sup = ",".join(out)
    offsets = [
        f"{i}-{_scaled(s, u)}{_offset(pad)}"
        for i, u, s, pad in zip(inp, out, spec.stride, spec.padding, strict=True)
    ]
    steps = [
        chain_step(view, _("story.what.input"), out, a),
        step(
            _("pool.story.max_input", a=f"${a}$", z=f"${z}$", off=_math([
                f"{p} = {o}" for p, o in zip(ker, offsets, strict=True)
            ])),
            [
                rf"{lhs} = \sum_{{{','.join(out)}}} D_{{{index(out, commas)}}}\, "
                rf"s^{{({sup})}}_{{{index(offsets, commas)}}}"
            ],
        ),
    ]
    m = f"m_{{{index(out, commas)}}}"
    switch = switch_name(spec, commas)
    window_cell = f"A_{{{cell(spec, out, ker)}}}"
    offset = ker[0] if n == 1 else "(" + ",".join(ker) + ")"
    if spec.ties == "first":
        steps.append(
            step(
                _("pool.story.max_first", m=f"${m}$", w="$(" + ",".join(out) + ")$", z=f"${z}$"),
                [rf"{switch} = \bigl[{offset} = {m}\bigr]"],
            )
        )
        target = ("(" + ",\\, ".join(offsets) + ")") if n > 1 else offsets[0]
        steps.append(
            step(
                _("pool.story.max_route_first"),
                [
                    rf"{lhs} = \sum_{{{','.join(out)}:\ {m} = {target}}} "
                    rf"D_{{{index(out, commas)}}}" + (f" = {closed}" if closed else "")
                ],
            )
        )
    else:
        count = f"M_{{{index(out, commas)}}}"
        inside = r",\ ".join(
            rf"0 \le {o} \le {k - 1}" for o, k in zip(offsets, spec.kernel, strict=True)
        )
        steps.append(
            step(
                _("pool.story.max_split", z=f"${z}$", count=f"${count}$"),
                [
                    rf"{switch} = \frac{{\bigl[{window_cell} = {z}\bigr]}}{{{count}}}, \qquad "
                    rf"{count} = {window_sum(spec)} \bigl[{window_cell} = {z}\bigr]"
                ],
            )
        )
        steps.append(
            step(
                _("pool.story.max_route_split"),
                [
                    rf"{lhs} = \sum_{{{','.join(out)}:\ {inside}}} "
                    rf"\frac{{D_{{{index(out, commas)}}}}}{{{count}}} \bigl[{a} = {z}\bigr]"
                    + (f" = {closed}" if closed else "")
                ],
            )
        )
    return story_section(view, steps)
