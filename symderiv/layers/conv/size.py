"""What deriving a convolution layer costs, predicted from its sizes before anything is built.

Each stage below is the bound of one loop of the pipeline, in the steps that loop
reports to :mod:`symderiv.core.work` (the tests run derivations with counting on
and check every stage against this prediction).  Sizes of one derivation:

    A = N·C_in·ΠH     K = G·(C_in/G)·(C_out/G)·Πk     b = C_out     D = N·C_out·ΠHo
    P = the products A·K of the forward pass (taps on padding left out)

Everything is arithmetic on the sizes (the taps of an axis are counted in O(log), the
closed forms priced by building them from :class:`~symderiv.formulas.cost.CostNodes`),
so a layer of any size is priced, and refused, at once, without loading SymPy.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from ...formulas import cost as ops
from .closed_forms import claim_formulas

if TYPE_CHECKING:
    from .spec import ConvSpec

__all__ = ["RENDERINGS", "SHEETS", "predicted_work"]

SHEETS = 3
"""Sheets built from one derivation: the LaTeX, the Markdown and the LaTeX the PDF is
compiled from."""
RENDERINGS = SHEETS + 1
"""Renderings of one derivation: the sheets and the JSON."""


def predicted_work(spec: ConvSpec) -> dict[str, int]:
    """The steps of every stage, at most (see the module's docstring)."""
    n_batch, c_in, c_out = spec.batch, spec.in_channels, spec.out_channels
    cig, cog = spec.cin_group, spec.cout_group
    taps = [spec.tap_count(a) for a in range(spec.ndim)]
    shapes = spec.shapes()
    size = {x: prod(shapes[x]) for x in ("A", "K", "b", "D")}
    a_, k_, b_, d_ = size["A"], size["K"], size["b"], size["D"]
    elements = d_  # forward elements, one per output
    products = n_batch * c_out * cig * prod(taps)
    gradient_elements = k_ + b_ + a_
    kernel_maps = spec.groups * cig * cog
    # per axis: the indices a tap list is built for (outputs, or a transposed layer's inputs)
    scanned = spec.input if spec.transposed else spec.output
    axes = sum(n + t for n, t in zip(scanned, taps, strict=True))
    outer = a_ if spec.transposed else d_  # the reference's outer loop
    spatial_forward = n_batch * c_out * prod(taps)
    spatial_reference = (n_batch * c_in if spec.transposed else n_batch * c_out) * prod(taps)

    work: dict[str, int] = {"symbols": a_ + k_ + b_ + d_}
    # the forward pass's tap lists, then two passes per sheet (unread inputs, unwritten outputs)
    work["geometry"] = axes + sum(spec.output) + 2 * SHEETS * axes
    work["forward"] = 2 * elements + spatial_forward + products
    # the contribution table (every forward term and its factors), then per element
    # differentiated its contributions and its terms
    work["chain rule"] = 7 * products + 5 * elements + gradient_elements

    # the closed forms: each claim evaluated per map (operators), summed (closed forms),
    # compared with the derivation element by element (proofs)
    operator_steps = []
    evaluations = {"K": kernel_maps * n_batch, "b": c_out * n_batch, "A": kernel_maps * n_batch}
    extents = {
        "A": ops.Extent.dense(spec.input),
        "K": ops.Extent.dense(spec.kernel),
        "D": ops.Extent.dense(spec.output),
    }
    for of, (_, steps), _, _ in claim_formulas(spec, ops.CostNodes(extents)):
        operator_steps.append((of, evaluations[of] * steps))
    delta_cells = 0
    if spec.ndim <= 2:  # the padded delta maps the sheet shows
        if spec.transposed:
            before, after, step = spec.padding, spec.padding, (1,) * spec.ndim
        else:
            before = tuple(d * (k - 1) for d, k in zip(spec.dilation, spec.kernel, strict=True))
            after = tuple(r + t for r, t in zip(before, spec.trailing(), strict=True))
            step = spec.stride
        inserted, s1 = ops.zero_insert_cost(extents["D"], step)
        padded, s2 = ops.pad_cost(inserted, before, after)
        delta_cells = padded.cells
        operator_steps.append(("D", n_batch * c_out * (s1 + s2)))
    work["operators"] = sum(steps for _, steps in operator_steps)
    work["arrays"] = 2 * (a_ + d_) + d_ + 2 * (d_ + k_) + (d_ if spec.ndim <= 2 else 0)
    if spec.ndim <= 2:  # each sheet's window exhibit: K's array, flipped (and dilated)
        dilated = zip(spec.kernel, spec.dilation, strict=True)
        window_kernel = prod(k + (k - 1) * (d - 1) for k, d in dilated)
        work["arrays"] += SHEETS * k_
        work["operators"] += SHEETS * 3 * window_kernel
    work["closed forms"] = 2 * k_ * (1 + n_batch) + b_ * (1 + n_batch) + 2 * a_ * (1 + cog)
    work["proofs"] = 5 * gradient_elements + 2 * (k_ + products) + (b_ + elements)
    work["proofs"] += 2 * (a_ + products)

    # the numeric check: every symbol's value, a pass per gradient tensor, every term
    # and factor; then the plain-loop reference, forward and backward
    work["numeric"] = a_ + k_ + b_ + d_ + 4 * gradient_elements + 9 * products + 5 * elements
    work["reference"] = (
        2 * (axes + outer + spatial_reference + products) + d_ + n_batch * c_out + a_ + k_ + b_ + d_
    )

    # the exhibits: the kernel gradient regrouped by delta (1-D and 2-D), the delta maps
    regrouped = 0
    if spec.ndim <= 2:
        pairs = min(kernel_maps * n_batch * prod(spec.output), products)
        regrouped = pairs * (1 + prod(spec.kernel))
        work["exhibits"] = gradient_elements + 3 * products + regrouped
        work["exhibits"] += n_batch * c_out * delta_cells
    else:
        work["exhibits"] = 0

    # each rendering walks every element, term and contribution, the exhibits, and the
    # first failure of each closed form: both sides of one gradient element.  A kernel
    # element's terms are A·D products of one batch, at most one per D and one per A
    # (the position fixes the partner); an input element's are K·D products over the
    # output maps of its group, at most one per D and one per K; a bias element's, D's.
    kernel_terms = n_batch * min(prod(spec.output), prod(spec.input))
    input_terms = cog * min(prod(spec.output), prod(spec.kernel))
    failures = 4 * kernel_terms + 4 * input_terms + 2 * n_batch * prod(spec.output)
    items = 4 * elements + 5 * products + 6 * gradient_elements + failures
    items += regrouped + n_batch * c_out * delta_cells
    work["render"] = RENDERINGS * items + (SHEETS * c_in * c_out if spec.groups > 1 else 0)
    return work
