"""Stage 6: render a :class:`~symderiv.core.model.Derivation` as LaTeX, Markdown or JSON.

The renderers only read the data model.  LaTeX and Markdown go through the
Jinja2 templates in ``templates/`` (one :class:`jinja2.Environment`, TeX-friendly
delimiters ``\\VAR{...}`` and ``\\BLOCK{...}``, :class:`jinja2.StrictUndefined`),
filled from :class:`~symderiv.sheet.SheetView`; JSON is the ``symderiv/1``
document built directly from the same data.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import sympy

from ..core import work
from ..core.chain import to_terms
from ..core.model import ClosedFormCheck, Derivation, Element, Term
from ..marker import MARKER, package_version
from .messages import text as message_text
from .options import RenderOptions
from .sheet import SheetView, md_math, prose_md, prose_tex, tex_code, tex_escape, tex_text

__all__ = ["json_document", "render_json", "render_md", "render_tex", "template_dir"]


def template_dir() -> Path:
    """The templates: inside the package when installed from a wheel, else ``templates/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "sheet.tex.j2").is_file():
            return candidate
    raise FileNotFoundError(f"symderiv templates not found next to {here}")


#: What every symderiv template environment shares: TeX-friendly delimiters, the
#: whitespace rules, and strictness about undefined names.
ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "block_start_string": r"\BLOCK{",
    "block_end_string": "}",
    "variable_start_string": r"\VAR{",
    "variable_end_string": "}",
    "comment_start_string": r"\#{",
    "comment_end_string": "}",
    "line_comment_prefix": "%#",
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "autoescape": False,
    "undefined": jinja2.StrictUndefined,
}


def install_sheet_filters(env: jinja2.Environment) -> None:
    """The filters and the message global ``_`` the sheet and section templates use."""
    env.filters["tex"] = tex_escape
    env.filters["md_math"] = md_math
    env.filters["prose_tex"] = prose_tex
    env.filters["prose_md"] = prose_md
    env.filters["tex_text"] = tex_text
    env.filters["code"] = tex_code
    env.filters["code_text"] = lambda text: tex_text(text, code=True)
    env.globals["_"] = _message


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: TeX-friendly delimiters, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())), **ENVIRONMENT_OPTIONS
    )
    install_sheet_filters(env)
    return env


@jinja2.pass_context
def _message(context: jinja2.runtime.Context, msg_id: str, /, **fields: object) -> str:
    """The Jinja global ``_``: a message of :mod:`.messages` in the rendering's language
    (the template variable ``lang``; a macro calling it is imported ``with context``)."""
    return message_text(msg_id, context["lang"], **fields)


# ---------------------------------------------------------------------------
# renderers
# ---------------------------------------------------------------------------


def _size(e: Element) -> int:
    return len(e.terms) if e.polynomial else len(sympy.Add.make_args(e.expr))


def rendered_items(d: Derivation) -> int:
    """What one rendering walks: every element and term, the contributions, the sheet's
    per-tensor passes over the gradients, the exhibits' cells and the refuted forms'
    first failures (counted by :mod:`symderiv.core.work` as the stage ``render``)."""
    items = sum(1 + _size(e) for e in d.forward)
    items += sum(1 + _size(g) + len(g.contributions) for g in d.gradients)
    items += (len(d.layer.wrt()) + 2) * len(d.gradients)
    items += sum(1 + sum(map(len, t.patch)) for r in d.regroupings for t in r.terms)
    items += sum(sum(map(len, m.rows)) for m in d.delta_maps)
    for c in d.closed_forms:
        if c.first_failure is not None:
            f = c.first_failure
            items += len(sympy.Add.make_args(f.derived)) + len(sympy.Add.make_args(f.closed))
    return items


def _count_rendering(d: Derivation) -> None:
    if work.active():
        work.add("render", rendered_items(d))


def render_tex(d: Derivation, options: RenderOptions | None = None) -> str:
    """The LaTeX sheet: a standalone article, or with ``options.fragment`` the body alone
    (no preamble, no ``\\begin{document}``) to ``\\input`` into one's own notes; with the
    figures and worked numbers ``options`` asks for."""
    _count_rendering(d)
    return environment().get_template("sheet.tex.j2").render(**SheetView(d, options).build())


def render_md(d: Derivation, options: RenderOptions | None = None) -> str:
    """The GitHub Markdown sheet (```math blocks, $`...`$ inline); its figures are links
    to the SVG files :func:`symderiv.figures.sheet.companion_files` renders, named after
    ``options.stem`` (the sheet's file stem; default: the layer's label)."""
    _count_rendering(d)
    return environment().get_template("sheet.md.j2").render(**SheetView(d, options).build())


def _term_json(term: Term) -> dict[str, Any]:
    return {"coeff": str(term.coeff), "factors": [f.name for f in term.factors]}


def _terms_text(terms: tuple[Term, ...]) -> str:
    """SymPy's ``str()`` of a sum, terms in the order given.

    Never SymPy's ordered printing of a long sum: it sorts with a quadratic cost
    (53 s and 7.7 GB for 15,876 terms); ``order="none"`` keeps ours and is linear."""
    if not terms:
        return "0"
    return sympy.sstr(sympy.Add(*(t.expr() for t in terms), evaluate=False), order="none")


def _expansion(e: Element) -> str:
    """SymPy's ``str()`` of the element, terms in display order."""
    if not e.polynomial:
        return sympy.sstr(e.expr, order="none")
    return _terms_text(e.terms)


def _failure_json(d: Derivation, c: ClosedFormCheck) -> dict[str, Any] | None:
    """The first element where a closed form fails: the derived side as its expansion
    prints it, the closed form's side in natural order (both deterministic, both linear)."""
    f = c.first_failure
    if f is None:
        return None
    derived = d.gradient(c.of, f.index)
    if f.reason:
        closed = sympy.sstr(f.closed, order="none")
    elif derived.polynomial:
        closed = _terms_text(to_terms(f.closed))
    else:
        closed = sympy.sstr(f.closed, order="none")
    return {
        "index": list(f.index),
        "derived": _expansion(derived),
        "closed": closed,
        "reason": f.reason or None,
    }


def _element_json(e: Element) -> dict[str, Any]:
    out: dict[str, Any] = {"of": e.tensor, "index": list(e.index), "expansion": _expansion(e)}
    if e.polynomial:
        out["terms"] = [_term_json(t) for t in e.terms]
    return out


def json_document(d: Derivation) -> dict[str, Any]:
    """The ``symderiv/1`` document as a Python dict."""
    doc: dict[str, Any] = {
        "format": "symderiv/1",
        "generator": f"{MARKER} {package_version()}",
        "layer": d.layer.describe(),
        "tensors": {t.letter: {"role": t.role, "shape": list(t.shape)} for t in d.tensors},
        "forward": [_element_json(e) for e in d.forward],
        "gradients": [_element_json(g) for g in d.gradients],
        "closed_forms": [
            {
                "of": c.of,
                "formula": c.formula.text(),
                "stated_in": c.stated_in,
                "holds": c.holds,
                "checked": c.checked,
                "failures": c.failures,
                **({} if c.decided_by == "expand" else {"decided_by": c.decided_by}),
                **({"undecided": c.undecided} if c.undecided else {}),
                "first_failure": _failure_json(d, c),
            }
            for c in d.closed_forms
        ],
        "numeric_check": {
            "seed": d.numeric.seed,
            "tolerance": d.numeric.tolerance,
            "max_abs_error": {k: float(v) for k, v in d.numeric.max_error},
            "passed": d.numeric.passed,
        },
        "verified": d.verified,
    }
    doc.update(d.layer.json_extras(d))
    return doc


def _dump(value: Any, indent: int = 0, width: int = 100) -> str:
    """JSON with two-space indent, keeping any value that fits in ``width`` on one line."""
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or len(compact) + indent <= width or not value:
        return compact
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent + 2, width)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + _dump(v, indent + 2, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def render_json(d: Derivation) -> str:
    """The ``symderiv/1`` JSON text (values that fit in 100 characters on one line)."""
    _count_rendering(d)
    return _dump(json_document(d)) + "\n"
