"""Issue 7, hostile input: huge and empty values, over-long names, the gallery's target,
the Python API's own errors, the quoting of what was typed, and no ordered (quadratic)
printing of a long sum.

Every command-line failure is one line, ``symderiv: error: ...``, exit 2, nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.core.pipeline import check_size
from symderiv.exceptions import SpecError, SpecTypeError, SymderivError

NINES = "9" * 5000


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _refused(result, message: str, folder: Path) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert _files(folder) == []


# ---------------------------------------------------------------------------
# 2, 3, 4: huge digit strings, empty values, over-long names
# ---------------------------------------------------------------------------

SHORT_NINES = "'9999999999999999999999999999999999999999'… (5,000 characters)"


@pytest.mark.parametrize(
    "option", ["--input", "--kernel", "--in-channels", "--stride", "--max-terms"]
)
def test_huge_digit_strings_are_refused_before_conversion(run, tmp_path, option):
    _refused(
        run("derive", option, NINES),
        f"{option} {SHORT_NINES}: a number of 5,000 digits; symderiv takes at most 100",
        tmp_path,
    )


@pytest.mark.parametrize(
    "option",
    [
        "--input",
        "--kernel",
        "--stride",
        "--padding",
        "--in-channels",
        "--convention",
        "--output",
        "-o",
        "--format",
        "--max-terms",
        "--output-padding",
    ],
)
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_value_is_an_error_not_the_default(run, tmp_path, option, value):
    name = "--output" if option == "-o" else option
    _refused(
        run("derive", option, value),
        f"{name} {value!r}: empty; give a value or leave the option out",
        tmp_path,
    )


def test_empty_values_are_refused_by_the_registry_too():
    with pytest.raises(SpecError, match=r"^--stride '': empty; give a value"):
        symderiv.layers.from_options("conv2d", {"--stride": ""})


def test_a_default_file_name_too_long_is_refused_before_any_folder_is_made(run, tmp_path):
    stride = "9" * 90
    result = run("derive", "conv3d", "--stride", stride)
    name = f"conv3d_3x3x3_k2x2x2_s{stride}x{stride}x{stride}_correlation.tex"
    assert len(name) > 255
    shown = repr(name[:40]) + f"… ({len(name)} characters)"
    _refused(
        result,
        f"the file name {shown} (made from the layer's settings) is {len(name)} bytes "
        "long; a name may have at most 255: name the output with --output",
        tmp_path,
    )


@pytest.mark.parametrize("fmt", ["tex", "tex,md"])
def test_an_output_name_too_long_is_refused_before_anything_is_made(run, tmp_path, fmt):
    name = "a" * 300
    _refused(
        run("derive", "--format", fmt, "-o", f"sub/{name}"),
        "--output 'sub/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'… (304 characters): the file "
        "name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'… (300 characters) is 300 bytes long; "
        "a name may have at most 255",
        tmp_path,
    )


def test_an_output_path_too_long_is_refused(run, tmp_path):
    deep = "/".join(["d" * 200] * 25)
    result = run("derive", "-o", deep)
    assert result.exit_code == 2
    assert "the path is" in result.stderr
    assert "a path may have at most" in result.stderr
    assert result.stderr.count("\n") == 1
    assert _files(tmp_path) == []


# ---------------------------------------------------------------------------
# 8, 11: the gallery's target, a file in the way, quoting as typed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("afile", "--output 'afile' is a file, not a folder"),
        ("afile/sub", "--output 'afile/sub': 'afile' is a file, not a folder"),
        ("afile/sub/deeper", "--output 'afile/sub/deeper': 'afile' is a file, not a folder"),
        ("", "--output '': empty; give a value or leave the option out"),
    ],
)
def test_gallery_checks_its_target_before_building_anything(run, tmp_path, target, message):
    (tmp_path / "afile").write_text("mine")
    result = run("gallery", "--no-pdf", "-o", target)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"  # no "[1/8]": nothing was built
    assert _files(tmp_path) == ["afile"]
    assert (tmp_path / "afile").read_text() == "mine"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "afile/sub"], "--output 'afile/sub': 'afile' is a file, not a folder"),
        (["-o", "afile/a/b"], "--output 'afile/a/b': 'afile' is a file, not a folder"),
        (
            ["--format", "md", "-o", "afile/a/x.md"],
            "--output 'afile/a/x.md': 'afile' is a file, not a folder",
        ),
        (
            ["--convention", "CORRELATION;rm"],
            "--convention 'CORRELATION;rm': expected one of correlation, convolution",
        ),
        (["--convention", "Conv"], "--convention 'Conv': expected one of correlation, convolution"),
    ],
)
def test_messages_name_the_file_in_the_way_and_quote_as_typed(run, tmp_path, args, message):
    (tmp_path / "afile").write_text("mine")
    result = run("derive", *args)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert _files(tmp_path) == ["afile"]


def test_the_default_folder_being_a_file_is_one_line(run, tmp_path):
    (tmp_path / "output").write_text("mine")
    result = run("derive")
    assert result.exit_code == 2
    assert result.stderr == (
        "symderiv: error: no --output given, and 'output' is a file, not a folder; "
        "name one with --output\n"
    )


def test_convention_in_capitals_is_still_accepted(run):
    result = run("derive", "--convention", "CORRELATION", "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["layer"]["convention"] == "correlation"


# ---------------------------------------------------------------------------
# 9: the Python API fails in its own words
# ---------------------------------------------------------------------------

CLASSIC = symderiv.conv2d()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: symderiv.conv2d(foo=1),
            SpecTypeError,
            "conv2d(foo=...): no such keyword; conv2d takes input, kernel, in_channels, "
            "out_channels, batch, convention, stride, padding, dilation, groups, output_padding, "
            "input_activation",
        ),
        (
            lambda: symderiv.layer(["conv2d"]),
            SpecTypeError,
            "layer ['conv2d']: expected the name of a kind, one of conv1d, conv2d, conv3d, "
            "conv_transpose1d, conv_transpose2d, conv_transpose3d, "
            + ", ".join(list(symderiv.KINDS)[6:]),
        ),
        (
            lambda: symderiv.layer("conv2d", 1, 2, 3),
            SpecTypeError,
            "layer('conv2d', ...): too many positional arguments",
        ),
        (
            lambda: CLASSIC.derive(max_terms="100"),
            SpecTypeError,
            "max_terms '100': expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(max_terms=None),
            SpecTypeError,
            "max_terms None: expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(max_terms=float("nan")),
            SpecTypeError,
            "max_terms nan: expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(max_terms=1e9),
            SpecTypeError,
            "max_terms 1000000000.0: expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(max_terms=True),
            SpecTypeError,
            "max_terms True: expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(max_terms=0),
            SpecError,
            "max_terms 0: expected a positive integer, such as 3000000",
        ),
        (
            lambda: CLASSIC.derive(progress="yes"),
            SpecTypeError,
            "progress 'yes': expected True or False",
        ),
        (
            lambda: check_size("conv2d"),
            SpecTypeError,
            "layer 'conv2d': expected a layer, such as symderiv.conv2d()",
        ),
        (
            lambda: symderiv.conv2d(input=NINES),
            SpecError,
            f"input {SHORT_NINES}: a number of 5,000 digits; symderiv takes at most 100",
        ),
        (
            lambda: symderiv.conv2d(stride=10**5000),
            SpecError,
            "stride <an integer of thousands of digits>: every value must have at most 100 digits",
        ),
        (
            lambda: symderiv.conv2d(input={4: 0, 5: 0}),
            SpecTypeError,
            "input {4: 0, 5: 0}: expected an integer or 2 integers, not a dict",
        ),
        (
            lambda: symderiv.conv2d(kernel={2, 3}),
            SpecTypeError,
            "kernel {2, 3}: expected an integer or 2 integers, not a set",
        ),
        (
            lambda: symderiv.conv2d(input=(4.0, 4)),
            SpecTypeError,
            "input (4.0, 4): expected 2 integers, one per spatial axis",
        ),
        (
            lambda: symderiv.conv2d(input=(4,)),
            SpecError,
            "input (4,): expected 2 integers, one per spatial axis",
        ),
        (
            lambda: symderiv.conv2d(transposed=True),
            SpecTypeError,
            "conv2d(transposed=True): the kind says whether a layer is transposed; "
            "use conv_transpose2d",
        ),
        (
            lambda: symderiv.conv_transpose1d(transposed=False),
            SpecTypeError,
            "conv_transpose1d(transposed=False): the kind says whether a layer is transposed; "
            "use conv1d",
        ),
        (
            lambda: symderiv.conv2d(in_channels=2.0),
            SpecTypeError,
            "in_channels 2.0: expected a positive integer",
        ),
        (
            lambda: symderiv.conv2d(batch=None),
            SpecTypeError,
            "batch None: expected a positive integer",
        ),
        (
            lambda: symderiv.conv2d(convention=None),
            SpecTypeError,
            "convention None: expected one of correlation, convolution",
        ),
        (
            lambda: symderiv.ConvSpec(input={4: 0, 5: 0}, kernel=(2, 2)),
            SpecTypeError,
            "input {4: 0, 5: 0}: expected 1, 2 or 3 spatial sizes",
        ),
        (
            lambda: symderiv.layers.from_options("conv2d", {"--input": 4}),
            SpecTypeError,
            "options {'--input': 4}: expected option texts, such as {'--input': '4x4'}",
        ),
    ],
)
def test_the_api_fails_in_its_own_words(call, error, message):
    with pytest.raises(error) as err:
        call()
    assert str(err.value) == message
    assert isinstance(err.value, SymderivError)
    # wrong types are TypeErrors and wrong values ValueErrors, as Python's own would be
    assert isinstance(err.value, TypeError if error is SpecTypeError else ValueError)


def test_the_api_takes_numpy_integers_and_agrees_with_the_kind():
    spec = symderiv.conv2d(input=np.int64(5), kernel=[np.int32(2), 3], in_channels=np.int16(2))
    assert (spec.input, spec.kernel, spec.in_channels) == ((5, 5), (2, 3), 2)
    assert type(spec.in_channels) is int
    assert symderiv.conv_transpose2d(transposed=True).transposed
    assert not symderiv.conv2d(transposed=False).transposed


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
