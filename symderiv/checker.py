"""Check a formula a user brings against the derived gradient, and diagnose it.

``check(layer, "rot180(conv2(x, rot180(δ), 'valid'))", of="K")`` parses the
formula with our own grammar, binds it to the layer (one map pair, as in the
notes; the layer sums over batch and maps), evaluates it on the layer's
symbols and compares it with the *derived* gradient element by element,
exactly.  When it does not hold, the usual mistakes are tried on the user's
formula (a rot180 too many or missing, 'valid' for 'full' or the reverse, the
other convention, a missing zero padding or zero insertion, a missing 1/k², a
missing f′ or one too many, f for f′, a transpose, a missing β or α, a missing
switch mask or softmax, a flipped sign, a flip across channels or a missing
channel transpose) and a repair is reported only when it is proved to hold (a
quick look at one point of numbers first spares the proofs of the hopeless ones).
A layer's :meth:`~symderiv.core.layer.Layer.condition` (A = f(z) for an
activated input, Σ t = 1 for the cross-entropy) is applied to both sides.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from .core.chain import to_terms
from .core.layer import Claim, Layer
from .core.model import Derivation, Term
from .core.prove import check_claim
from .core.symbols import Notation, element_name, natural_key
from .exceptions import SpecError
from .formulas.bind import Scope, TargetShapeError, base_name, bind, shape_of
from .formulas.nodes import (
    Apply,
    Conv,
    Formula,
    Hadamard,
    Number,
    Pad,
    Rot180,
    Scale,
    Softmax,
    Transpose,
    Var,
    ZeroInsert,
)
from .render.printing import SheetTextPrinter, join_terms

__all__ = ["CheckResult", "FailedElement", "check"]


@dataclass(frozen=True)
class FailedElement:
    """The first element where the formula and the derivation differ."""

    index: tuple[int, ...]
    derived: sympy.Expr
    formula: sympy.Expr
    missing: tuple[Term, ...]  # in the derivation, not in the formula
    extra: tuple[Term, ...]  # in the formula, not in the derivation


@dataclass(frozen=True)
class CheckResult:
    """A user's formula for dE/d``of`` and its exact verdict on one layer."""

    layer: Layer
    of: str
    text: str
    formula: Formula
    holds: bool
    checked: int
    failures: int
    undecided: int
    first_failure: FailedElement | None
    diagnosis: str | None
    repair: str | None
    notation: Notation | None = None
    reason: str | None = None  # why no element could be compared (a shape that does not fit)
    given: str | None = None  # what both sides were compared under (A = sigma(z), sum t = 1)

    def to_text(self, max_terms: int = 12) -> str:
        """The answer for a terminal: the verdict, the first failing element with its
        missing and extra terms, and the diagnosis."""
        p = SheetTextPrinter(self.notation or self.layer.notation())

        def terms(ts: tuple[Term, ...]) -> str:
            shown = ", ".join(p.term(t) for t in ts[:max_terms])
            return shown + (f", … ({len(ts) - max_terms} more)" if len(ts) > max_terms else "")

        def expr(e: sympy.Expr) -> str:
            if e is sympy.nan:
                return "(no value)"
            ts = to_terms(e) if e.is_polynomial() else ()
            if not ts and e != 0:
                return str(p._print(e))
            shown = join_terms([p.term(t) for t in ts[:max_terms]])
            more = len(ts) - max_terms
            return shown + (f" + … ({more} more terms)" if more > 0 else "")

        lines = [f"{self.layer.label()}: dE/d{self.of} = {self.text}"]
        if self.formula.text() != self.text:
            lines.append(f"  read as {self.formula.text()} (one map pair; the layer sums the rest)")
        if self.given:
            lines.append(f"  compared given {self.given}")
        if self.holds:
            at = "its one element" if self.checked == 1 else f"all {self.checked} elements"
            lines.append(f"  holds: proved equal to the derivation at {at}")
            return "\n".join(lines) + "\n"
        if self.failures:
            lines.append(
                f"  does not hold: it differs from the derivation at {self.failures} of "
                f"{self.checked} elements"
            )
        else:
            lines.append(
                f"  undecided at {self.undecided} of {self.checked} elements: not claimed to hold"
            )
        if self.reason and not self.diagnosis:
            lines.append(f"  {self.reason}")
        f = self.first_failure
        if f is not None:
            name = p._print(sympy.Symbol(element_name(self.of, f.index)))
            lines.append(f"  first at dE/d{name}:")
            lines.append(f"    derived: {expr(f.derived)}")
            lines.append(f"    formula: {expr(f.formula)}")
            if f.missing:
                lines.append(f"    missing: {terms(f.missing)}")
            if f.extra:
                lines.append(f"    extra:   {terms(f.extra)}")
        if self.diagnosis:
            lines.append(f"  diagnosis: {self.diagnosis}")
            if self.repair:
                lines.append(f"  this holds: {self.repair}")
        else:
            lines.append("  diagnosis: none of the usual mistakes explains it")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` answer."""
        f = self.first_failure
        return {
            "layer": self.layer.label(),
            "of": self.of,
            "formula": self.text,
            "read_as": self.formula.text(),
            "holds": self.holds,
            "checked": self.checked,
            "failures": self.failures,
            "first_failure": None
            if f is None
            else {
                "index": list(f.index),
                "derived": _str(f.derived),
                "formula": _str(f.formula),
                "missing": [_term_str(t) for t in f.missing],
                "extra": [_term_str(t) for t in f.extra],
            },
            "diagnosis": self.diagnosis,
            "repair": self.repair,
            **({"reason": self.reason} if self.reason else {}),
            **({"given": self.given} if self.given else {}),
        }


def _str(expr: sympy.Expr) -> str:
    return sympy.sstr(expr, order="none")


def _term_str(t: Term) -> str:
    return _str(t.expr())


def _verdict(
    layer: Layer, formula: Formula, of: str, derivation: Derivation
) -> tuple[bool, int, int, int, Any]:
    tensors = {t.letter: t for t in derivation.tensors}
    condition = layer.condition()
    given = () if condition is None else condition[1]
    claim = Claim(of, formula, "user", given=given)
    result = check_claim(layer, claim, tensors, derivation.gradients)
    return result.holds, result.checked, result.failures, result.undecided, result.first_failure


# ---- the usual mistakes ------------------------------------------------------------


def _replace_at(f: Formula, path: tuple[str, ...], new: Formula) -> Formula:
    if not path:
        return new
    child = getattr(f, path[0])
    return dataclasses.replace(f, **{path[0]: _replace_at(child, path[1:], new)})  # type: ignore[type-var]


def _nodes(f: Formula, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Formula]]:
    yield path, f
    for field in dataclasses.fields(f):  # type: ignore[arg-type]
        value = getattr(f, field.name)
        if isinstance(value, Formula):
            yield from _nodes(value, (*path, field.name))


def _per_axis(uniform: str, per_axis: str, amounts: tuple[int, ...]) -> str:
    """``dilate(D, 2)`` when every axis has the same amount, else ``D zero-inserted by 2×1``
    (the formula language's dilate and pad take one amount for every axis)."""
    if len(set(amounts)) == 1:
        return uniform.format(amounts[0])
    return per_axis.format("×".join(map(str, amounts)))


def _repairs(layer: Layer, formula: Formula, scope: Scope) -> Iterator[tuple[str, Formula]]:
    """Single changes to the formula, each with the mistake it would mend."""
    for path, node in _nodes(formula):
        if isinstance(node, Rot180):
            yield f"a rot180 too many (drop the rot180 of {node.arg.text()})", _replace_at(
                formula, path, node.arg
            )
    for path, node in _nodes(formula):
        if isinstance(node, Transpose):
            yield "a transpose too many", _replace_at(formula, path, node.arg)
    if scope.target:
        yield "a rot180 missing around the whole formula", Rot180(formula)
    for path, node in _nodes(formula):
        if isinstance(node, Var) and scope.maps.get(node.name):
            yield f"a rot180 missing around {node.name}", _replace_at(formula, path, Rot180(node))
    kernel = getattr(layer, "kernel", None)
    reach = tuple(k - 1 for k in kernel) if kernel and any(k > 1 for k in kernel) else None

    def padded(path: tuple[str, ...], node: Conv) -> tuple[str, Formula]:
        assert reach is not None
        x = node.x.text()
        how = (
            f"pad({x}, {reach[0]})"
            if len(set(reach)) == 1
            else f"{x} padded by {'×'.join(map(str, reach))} zeros"
        )
        repaired = dataclasses.replace(node, x=Pad(node.x, reach, reach))
        return f"a missing zero padding of {x} ({how})", _replace_at(formula, path, repaired)

    for path, node in _nodes(formula):
        if isinstance(node, Conv) and node.mode in ("valid", "full"):
            # written as a correlation (conv2 with a flipped second operand): the notes pad
            # the delta and correlate, so a missing padding is the likelier mistake
            correlation = node.mode == "valid" and isinstance(node.y, Rot180)
            if reach and correlation:
                yield padded(path, node)
            other = "full" if node.mode == "valid" else "valid"
            yield (
                f"'{node.mode}' where '{other}' is needed",
                _replace_at(formula, path, dataclasses.replace(node, mode=other)),
            )
            if reach and node.mode == "valid" and not correlation:
                yield padded(path, node)
    stride = getattr(layer, "stride", None)
    if stride and any(s > 1 for s in stride):
        for path, node in _nodes(formula):
            if isinstance(node, Var) and node.name == "D":
                yield (
                    "a missing zero insertion for the stride ("
                    + _per_axis("dilate(D, {})", "D zero-inserted by {}", stride)
                    + ")",
                    _replace_at(formula, path, ZeroInsert(node, tuple(stride))),
                )
    if kernel:
        volume = 1
        for k in kernel:
            volume *= k
        if volume > 1 and layer.kind.startswith("avg_pool"):  # a mean over the window
            yield f"a missing 1/{volume}", Scale(Number(sympy.Rational(1, volume)), formula)
        side = kernel[0]
        if len(kernel) > 1 and len(set(kernel)) == 1 and side > 1:
            for path, node in _nodes(formula):
                if isinstance(node, Scale) and isinstance(node.factor, Number):
                    smaller = Number(sympy.Rational(node.factor.value) / side)
                    yield (
                        f"divided by {side} where the window has {volume} cells (1/k, not 1/k²)",
                        _replace_at(formula, path, Scale(smaller, node.arg)),
                    )
    yield from _activation_repairs(formula, scope)
    yield from _channel_repairs(formula, scope)
    names = {n.name for _, n in _nodes(formula) if isinstance(n, Var)}
    if "s" in scope.maps and "s" not in names:  # max pooling's routing
        yield "a missing switch mask (the delta goes to each window's maximum only)", Hadamard(
            formula, Var("s")
        )
    if layer.kind == "softmax_cross_entropy":
        for path, node in _nodes(formula):
            if isinstance(node, Var) and node.name == "y":
                yield "a missing softmax (y where softmax(y) is needed)", _replace_at(
                    formula, path, Softmax(node)
                )
    yield "the sign flipped", Scale(Number(sympy.Integer(-1)), formula)
    if len(scope.target) == 2 and not isinstance(formula, Transpose):
        yield "transposed (rows and columns swapped)", Transpose(formula)
    for name, shape in scope.maps.items():
        if shape == ():
            yield f"a missing factor {name}", Scale(Var(name), formula)


def _channel_repairs(formula: Formula, scope: Scope) -> Iterator[tuple[str, Formula]]:
    """A map read at the wrong channel indices (``K_{c,m}``): the pair's own map instead."""
    for path, node in _nodes(formula):
        if not (isinstance(node, Var) and "_{" in node.name):
            continue
        base = base_name(node.name)
        own = ",".join(scope.indexed.get(base, ()))
        parts = node.name.partition("_{")[2].rstrip("}").split(",")
        wanted = f"{base}_{{{own}}}"
        if any("-1-" in p for p in parts):
            only = ": flip only the spatial axes" if base == "K" else ""
            mistake = f"a flip across channels ({node.name} where {wanted} is needed{only})"
        elif sorted(parts) == sorted(own.split(",")) and len(parts) > 1:
            mistake = f"a missing channel transpose ({node.name} where {wanted} is needed)"
        else:
            mistake = f"the wrong map ({node.name} where {wanted} is needed)"
        yield mistake, _replace_at(formula, path, Var(base))


def _function_name(scope: Scope) -> str | None:
    """The activation's name in formula text: ``sigma`` for the sigmoid, ``tanh``,
    ``relu``, or ``f``; None when the scope has no activation."""
    own = [n for n in scope.functions if n not in ("f", "sigma")]
    if not scope.functions:
        return None
    return "sigma" if own == ["sigmoid"] else own[0] if own else "f"


def _activation_repairs(formula: Formula, scope: Scope) -> Iterator[tuple[str, Formula]]:
    """A missing f′ (a formula for dE/dA given for the pre-activation's gradient), one too
    many (a formula for dE/dz given for the layer's own dE/dA), or f in place of f′."""
    text = _function_name(scope)
    if text is None:
        return
    prime = {"sigma": "σ"}.get(text, text) + "′"
    tex, _, derivative = scope.functions[text]
    pre = "z" if "z" in scope.maps else scope.aliases.get("z", "z")  # an activation: A
    primed = [n for _, n in _nodes(formula) if isinstance(n, Apply) and n.name.endswith("'")]
    if scope.of == pre and not primed:
        factor = Apply(f"{text}'", tex + "'", derivative, Var(pre))
        yield f"a missing {prime} (f′(z))", Hadamard(formula, factor)
    for path, node in _nodes(formula):
        if isinstance(node, Apply) and not node.name.endswith("'") and node.name in (
            scope.functions
        ):
            yield (
                f"the function in place of its derivative ({node.name} where {node.name}′ is "
                "needed)",
                _replace_at(formula, path, Apply(f"{node.name}'", node.tex + "'", derivative,
                                                 node.arg)),
            )
    if scope.of == pre:
        return
    for path, node in _nodes(formula):
        if isinstance(node, Hadamard):
            for side, other in (("x", "y"), ("y", "x")):
                factor = getattr(node, side)
                if isinstance(factor, Apply) and factor.name.endswith("'"):
                    yield (
                        f"a {prime} too many (dE/d{scope.of} has no factor f′(z); dE/dz has)",
                        _replace_at(formula, path, getattr(node, other)),
                    )


def _diagnose(
    layer: Layer,
    formula: Formula,
    of: str,
    scope: Scope,
    derivation: Derivation,
    derive: Callable[[Layer], Derivation] | None = None,
) -> tuple[str | None, str | None]:
    convention = getattr(layer, "convention", None)
    if convention in ("correlation", "convolution"):
        other = "convolution" if convention == "correlation" else "correlation"
        flipped = dataclasses.replace(layer, convention=other)  # type: ignore[type-var]
        flipped_derivation = derive(flipped) if derive else flipped.derive()
        if _plausible(flipped, formula, of, flipped_derivation) and _verdict(
            flipped, formula, of, flipped_derivation
        )[0]:
            forward = (
                "a true-convolution forward pass (MATLAB conv2, Bouvrie)"
                if other == "convolution"
                else "a cross-correlation forward pass (PyTorch)"
            )
            return (
                f"the other convention: it holds for {forward}, not for this "
                f"{convention} layer",
                None,
            )
    for mistake, candidate in _repairs(layer, formula, scope):
        try:
            shape = shape_of(candidate, scope.maps)
        except ValueError:
            continue
        if shape != tuple(scope.target):
            continue
        try:
            holds = _plausible(layer, candidate, of, derivation) and (
                _verdict(layer, candidate, of, derivation)[0]
            )
        except (ValueError, KeyError):
            continue
        if holds:
            return mistake, candidate.text()
    return None, None


def _plausible(layer: Layer, formula: Formula, of: str, derivation: Derivation) -> bool:
    """A quick look before a proof: does ``formula`` agree with the derivation at one
    point of random numbers (the layer's own, so an activated input is f(z) and a
    target sums to 1)?  False only on a clear difference; a repair is reported only
    once :func:`_verdict` has proved it, so this only saves the proofs of repairs that
    cannot hold."""
    tensors = {t.letter: t for t in derivation.tensors}
    try:
        values = layer.evaluate(Claim(of, formula, "user"), tensors)
    except ValueError:  # a map of another shape, a map that does not exist: cannot hold
        return False
    arrays = layer.random_values(1)
    point = {
        symbol: sympy.Float(float(value), 30)
        for t in derivation.tensors
        if t.letter in arrays
        for symbol, value in zip(t.elements, np.asarray(arrays[t.letter]).ravel(), strict=True)
    }
    x = sympy.Dummy("x")
    stand_ins = {sympy.Function(name): sympy.Lambda(x, fn(x)) for name, fn in _STAND_INS.items()}
    for g in derivation.gradients_of(of):
        pair = []
        for expr in (g.expr, values[g.index]):
            if expr.atoms(AppliedUndef):
                expr = expr.subs(stand_ins).doit()
            value = expr.xreplace(point).evalf(30)
            if not value.is_comparable:
                return True  # a symbol without a value (a switch): leave it to the proof
            pair.append(value)
        a, b = pair
        if abs(a - b) > 1e-9 * max(1, abs(a), abs(b)):
            return False
    return True


_STAND_INS = {"f": sympy.sin}
"""The unspecified activation f, for :func:`_plausible` only (as the numeric check)."""


def _given_text(layer: Layer) -> str | None:
    condition = layer.condition()
    return None if condition is None else condition[0]


def _difference(derived: sympy.Expr, value: sympy.Expr) -> tuple[tuple[Term, ...], ...]:
    if not (derived.is_polynomial() and value.is_polynomial()):  # σ(z), f(z): no terms
        return (), ()
    mine = Counter(to_terms(derived))
    theirs = Counter(to_terms(value))
    def order(t: Term) -> list[tuple[int, tuple[int, ...]]]:
        return [natural_key(f) for f in t.factors]

    missing = tuple(sorted((mine - theirs).elements(), key=order))
    extra = tuple(sorted((theirs - mine).elements(), key=order))
    return missing, extra


def check(
    layer: Layer,
    formula: str,
    of: str,
    *,
    derivation: Derivation | None = None,
    diagnose: bool = True,
    scope: Callable[[str], Scope] | None = None,
    refute_shapes: bool = False,
    derive: Callable[[Layer], Derivation] | None = None,
) -> CheckResult:
    """Check ``formula`` for dE/d``of`` on ``layer``; see the module docstring.

    A formula whose value has another shape than the gradient is bad input
    (:class:`~symderiv.formulas.bind.TargetShapeError`) unless a repair explains
    it, or ``refute_shapes`` is set (the catalogue), when it simply does not hold.
    ``derive`` derives another layer (the other convention, for the diagnosis), so a caller
    checking many formulas can share derivations."""
    if not isinstance(layer, Layer):
        raise SpecError(f"layer {layer!r}: expected a symderiv layer, such as symderiv.conv2d()")
    if not isinstance(of, str) or of not in layer.wrt():
        hint = ""
        if of == "z" and hasattr(layer, "input_activation"):
            hint = (
                "; dE/dz needs an activated input (--input-activation, or input_activation= "
                "in Python)"
            )
        raise SpecError(
            f"--for {of!r}: {layer.kind} has gradients of " + ", ".join(layer.wrt()) + hint
        )
    make_scope = scope or layer.scope
    sc = make_scope(of)
    try:
        bound = bind(formula, sc)
    except TargetShapeError as exc:
        # Of the wrong shape, it cannot be compared element by element; but a
        # missing zero insertion or padding changes the shape, so try the repairs.
        d = derivation or layer.derive()
        diagnosis, repair = (
            _diagnose(layer, exc.formula, of, sc, d, derive) if diagnose else (None, None)
        )
        if diagnosis is None and not refute_shapes:
            raise
        n = len(d.gradients_of(of))
        as_written = str(exc).split(": ", 1)[1]
        return CheckResult(
            layer=layer,
            of=of,
            text=formula,
            formula=exc.formula,
            holds=False,
            checked=n,
            failures=n,
            undecided=0,
            first_failure=None,
            diagnosis=None if diagnosis is None else f"{diagnosis}; as written, {as_written}",
            repair=repair,
            notation=d.notation,
            reason=as_written,
            given=_given_text(layer),
        )
    d = derivation or layer.derive()
    holds, checked, failures, undecided, failure = _verdict(layer, bound, of, d)
    first = None
    reason = None
    if failure is not None:
        derived = d.gradient(of, failure.index)
        if failure.reason:
            value = sympy.nan
            missing: tuple[Term, ...] = ()
            extra: tuple[Term, ...] = ()
            reason = failure.reason
        else:
            value = failure.closed
            missing, extra = _difference(derived.expr, value)
        first = FailedElement(failure.index, derived.expr, value, missing, extra)
    diagnosis = repair = None
    if not holds and diagnose:
        diagnosis, repair = _diagnose(layer, bound, of, sc, d, derive)
    return CheckResult(
        layer=layer,
        of=of,
        text=formula,
        formula=bound,
        holds=holds,
        checked=checked,
        failures=failures,
        undecided=undecided,
        first_failure=first,
        diagnosis=diagnosis,
        repair=repair,
        notation=d.notation,
        reason=reason,
        given=_given_text(layer),
    )
