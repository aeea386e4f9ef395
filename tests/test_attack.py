"""Issue 7, hostile input: no ordered (quadratic) printing of a long sum."""

from __future__ import annotations

import json

import sympy

import symderiv

# ---------------------------------------------------------------------------
# 13: no ordered printing of a long sum
# ---------------------------------------------------------------------------


def test_no_rendering_sorts_a_sum(monkeypatch, classic):
    """SymPy's ordered printing sorts with a quadratic cost (53 s and 7.7 GB for the
    15,876 terms of a 128×128 sheet's refuted form): nothing symderiv prints may use it."""
    d = symderiv.conv2d(input=(5, 4), kernel=(2, 3)).derive()
    assert any(c.first_failure is not None for c in d.closed_forms)

    def refuse(self, order=None):
        raise AssertionError(f"ordered printing of a sum of {len(self.args)} terms")

    monkeypatch.setattr(sympy.Expr, "as_ordered_terms", refuse)
    for text in (d.to_json(), d.to_latex(), d.to_markdown(), classic.to_json()):
        assert text


def test_a_refuted_form_is_printed_in_display_order(classic):
    doc = json.loads(classic.to_json())
    refuted = [c for c in doc["closed_forms"] if c["first_failure"] is not None]
    assert [c["of"] for c in refuted] == ["K", "A"]
    kernel = refuted[0]["first_failure"]
    assert kernel["index"] == [0, 0, 0, 0]
    assert kernel["derived"] == (
        "A[0,0,0,0]*D[0,0,0,0] + A[0,0,0,1]*D[0,0,0,1] + A[0,0,0,2]*D[0,0,0,2] + "
        "A[0,0,1,0]*D[0,0,1,0] + A[0,0,1,1]*D[0,0,1,1] + A[0,0,1,2]*D[0,0,1,2] + "
        "A[0,0,2,0]*D[0,0,2,0] + A[0,0,2,1]*D[0,0,2,1] + A[0,0,2,2]*D[0,0,2,2]"
    )
    derived = classic.gradient("K", (0, 0, 0, 0))
    expansion = next(g for g in doc["gradients"] if g["of"] == "K")["expansion"]
    assert kernel["derived"] == expansion
    assert sympy.sympify(
        kernel["derived"].replace("[", "_").replace(",", "_").replace("]", "")
    ) == sympy.sympify(str(derived.expr).replace("[", "_").replace(",", "_").replace("]", ""))
    assert kernel["closed"] == (
        "A[0,0,1,1]*D[0,0,0,0] + A[0,0,1,2]*D[0,0,0,1] + A[0,0,1,3]*D[0,0,0,2] + "
        "A[0,0,2,1]*D[0,0,1,0] + A[0,0,2,2]*D[0,0,1,1] + A[0,0,2,3]*D[0,0,1,2] + "
        "A[0,0,3,1]*D[0,0,2,0] + A[0,0,3,2]*D[0,0,2,1] + A[0,0,3,3]*D[0,0,2,2]"
    )
    # the same bytes on every run (no hash order)
    assert symderiv.conv2d().derive().to_json() == classic.to_json()
