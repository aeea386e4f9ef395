"""The convolution sheet's story: the chain rule in index form, and the substitution that
turns each index form into its closed form (why the kernel is flipped, why the delta is
padded or zero-inserted).

Every index form is written with the layer's numbers filled in (stride, dilation,
padding, kernel size), for one pair of maps; the prose comes from the message table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...core.model import ClosedFormCheck
from ...formulas.nodes import CONV_NAMES
from .spec import ConvSpec

__all__ = ["story_section"]

_OUT = {1: ("u",), 2: ("u", "v"), 3: ("t", "u", "v")}
_OUT_T = {1: ("y",), 2: ("y", "x"), 3: ("z", "y", "x")}
_IN = {1: ("i",), 2: ("i", "j"), 3: ("h", "i", "j")}
_KER = {1: ("p",), 2: ("p", "q"), 3: ("r", "p", "q")}


def _scaled(coef: int, var: str) -> str:
    return var if coef == 1 else f"{coef}{var}"


def _offset(value: int) -> str:
    """``+1``, ``-2`` or nothing."""
    return "" if value == 0 else f"{value:+d}"


def _join(parts: Sequence[str], commas: bool) -> str:
    return ("," if commas else "").join(parts)


class _Index:
    """Index expressions of one layer, axis by axis, with its numbers filled in."""

    def __init__(self, spec: ConvSpec, commas: bool) -> None:
        self.s = spec
        n = spec.ndim
        self.commas = commas or n == 1 or not spec.is_plain
        self.out = _OUT_T[n] if spec.transposed else _OUT[n]
        self.inp, self.ker = _IN[n], _KER[n]

    def join(self, parts: Sequence[str]) -> str:
        """Indices as a subscript: commas between compound ones (``u+p,v+q``) always."""
        compound = any(not part.isalpha() for part in parts)
        return _join(parts, self.commas or compound)

    def kernel_tap(self, axis: int, p: str) -> tuple[str, int]:
        """The kernel index K reads at offset ``p`` (flipped in the convolution convention):
        (``p`` or ``k-1-p``'s variable part, its constant)."""
        k = self.s.kernel[axis]
        if self.s.convention == "convolution":
            return f"-{p}", k - 1
        return f"+{p}", 0

    def a_index(self, out: Sequence[str]) -> str:
        """The input position output ``out`` reads through kernel element ``p``:
        ``s·u + d·p − P`` (or ``d(k−1−p)`` in the convolution convention)."""
        parts = []
        for a, u in enumerate(out):
            s, d, pad = self.s.stride[a], self.s.dilation[a], self.s.padding[a]
            sign, const = self.kernel_tap(a, self.ker[a])
            term = sign[0] + _scaled(d, sign[1:])
            parts.append(f"{_scaled(s, u)}{term}{_offset(d * const - pad)}")
        return self.join(parts)

    def d_index(self, inp: Sequence[str]) -> str:
        """The delta position the input gradient reads at kernel element ``p``:
        ``i + P − d·p`` (stride 1), on the zero-inserted delta for a stride."""
        parts = []
        for a, i in enumerate(inp):
            d, pad = self.s.dilation[a], self.s.padding[a]
            sign, const = self.kernel_tap(a, self.ker[a])
            flipped = "+" if sign[0] == "-" else "-"
            parts.append(f"{i}{flipped}{_scaled(d, sign[1:])}{_offset(pad - d * const)}")
        return self.join(parts)

    def transposed_index(self) -> str:
        """Transposed layer: the output position input ``i`` reaches through ``p``."""
        parts = []
        for a, i in enumerate(self.inp):
            s, d, pad = self.s.stride[a], self.s.dilation[a], self.s.padding[a]
            sign, const = self.kernel_tap(a, self.ker[a])
            term = sign[0] + _scaled(d, sign[1:])
            parts.append(f"{_scaled(s, i)}{term}{_offset(d * const - pad)}")
        return self.join(parts)


def _sum(letters: Sequence[str]) -> str:
    return r"\sum_{" + ",".join(letters) + "}"


def _closed(
    forms: dict[str, ClosedFormCheck], of: str, latex: Callable[[ClosedFormCheck], str]
) -> list[str]:
    c = forms.get(of)
    return [latex(c)] if c is not None else []


def story_section(
    spec: ConvSpec,
    checks: Sequence[ClosedFormCheck],
    closed_latex: Callable[[ClosedFormCheck], str],
    commas: bool,
    _: Callable[..., str],
) -> dict[str, Any]:
    """The section "The derivation in index form" of a convolution sheet."""
    s = spec
    ix = _Index(s, commas)
    own = {c.of: c for c in checks if c.expected}
    out, inp, ker = ix.out, ix.inp, ix.ker
    z = f"Z_{{{ix.join(out)}}}"
    steps: list[dict[str, Any]] = [
        {
            "text": _("conv.story.chain"),
            "math": [
                rf"\frac{{\partial E}}{{\partial x}} = {_sum(out)} \frac{{\partial E}}"
                rf"{{\partial {z}}}\, \frac{{\partial {z}}}{{\partial x}} = {_sum(out)} "
                rf"D_{{{ix.join(out)}}}\, \frac{{\partial {z}}}{{\partial x}}"
            ],
            "after": None,
        }
    ]
    k_el = f"K_{{{ix.join(ker)}}}"
    a_el = f"A_{{{ix.join(inp)}}}"
    if s.transposed:
        reach = ix.transposed_index()
        steps.append(
            {
                "text": _("conv.story.kernel_transposed", k=f"${k_el}$", a=f"${a_el}$",
                          z=f"$Z_{{{reach}}}$"),
                "math": [
                    rf"\frac{{\partial E}}{{\partial {k_el}}} = {_sum(inp)} "
                    rf"A_{{{ix.join(inp)}}}\, D_{{{reach}}}"
                ],
                "after": _("conv.story.kernel_transposed_after"),
            }
        )
        steps[-1]["math"] += _closed(own, "K", closed_latex)
    else:
        tap = ix.a_index(out)
        steps.append(
            {
                "text": _("conv.story.kernel", k=f"${k_el}$", a=f"$A_{{{tap}}}$", z=f"${z}$"),
                "math": [rf"\frac{{\partial E}}{{\partial {k_el}}} = {_sum(out)} "
                         rf"D_{{{ix.join(out)}}}\, A_{{{tap}}}"],
                "after": None,
            }
        )
        if s.simple_geometry and s.convention == "correlation":
            after = _("conv.story.kernel_valid", conv=CONV_NAMES[s.ndim])
        elif s.simple_geometry:
            after = _("conv.story.kernel_valid_flipped", conv=CONV_NAMES[s.ndim])
        else:
            flip = _("conv.story.kernel_general_flip") if s.convention == "convolution" else ""
            after = _("conv.story.kernel_general", flip=flip)
        steps.append({"text": after, "math": _closed(own, "K", closed_latex), "after": None})
    steps.append(
        {
            "text": _("conv.story.bias"),
            "math": _closed(own, "b", closed_latex),
            "after": None,
        }
    )
    if s.transposed:
        reach = ix.transposed_index()
        steps.append(
            {
                "text": _("conv.story.input_transposed", a=f"${a_el}$", z=f"$Z_{{{reach}}}$"),
                "math": [
                    rf"\frac{{\partial E}}{{\partial {a_el}}} = {_sum(ker)} D_{{{reach}}}\, "
                    rf"{k_el}"
                ],
                "after": _("conv.story.input_transposed_after"),
            }
        )
        steps[-1]["math"] += _closed(own, "A", closed_latex)
    else:
        strided = any(x > 1 for x in s.stride)
        delta = r"\hat{D}" if strided else "D"
        dix = ix.d_index(inp)
        steps.append(
            {
                "text": _("conv.story.input", a=f"${a_el}$", k=f"${k_el}$"),
                "math": [
                    rf"\frac{{\partial E}}{{\partial {a_el}}} = {_sum(ker)} "
                    rf"{delta}_{{{dix}}}\, {k_el}"
                ],
                "after": _("conv.story.input_strided") if strided else _("conv.story.input_zero"),
            }
        )
        if s.simple_geometry and s.convention == "correlation":
            after = _("conv.story.input_full")
        elif s.simple_geometry:
            after = _("conv.story.input_full_flipped")
        else:
            after = _("conv.story.input_general")
        steps.append({"text": after, "math": _closed(own, "A", closed_latex), "after": None})
    if s.batch > 1 or s.in_channels > 1 or s.out_channels > 1:
        steps.append({"text": _("conv.story.maps"), "math": [], "after": None})
    return {"kind": "story", "heading": _("story.heading"), "steps": steps}
