"""Bad network files: one line naming the file, the layer and the field, exit status 2,
nothing written; and the refusals of the sample point and of the size limit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.exceptions import SizeLimitError, SpecError

GOOD = """\
input = [1, 1, 6, 6]
loss = "squared_error"
[[layers]]
kind = "conv2d"
out_channels = 2
kernel = 3
"""

CASES = {
    "unknown_kind": (
        GOOD + '[[layers]]\nkind = "sigmoidd"\n',
        'bad.toml: layer 2: kind = "sigmoidd": expected one of conv1d, conv2d, conv3d, '
        "avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d, "
        "subsample2d, linear, sigmoid, tanh, relu, leaky_relu, identity, flatten, residual",
    ),
    "activation_set_by_the_network": (
        GOOD.replace("kernel = 3", 'kernel = 3\ninput_activation = "relu"'),
        "bad.toml: layer 1 (conv2d): input_activation = \"relu\": a network's activations are "
        "layers of their own, before this one",
    ),
    "key_not_taken": (
        'input = [1, 1, 6, 6]\nloss = "squared_error"\n[[layers]]\nkind = "conv2d"\n'
        "out_features = 2\nkernel = 3\n",
        "bad.toml: layer 1 (conv2d): key 'out_features': conv2d does not take it; it takes "
        "kernel, in_channels, out_channels, stride, padding, dilation, groups, convention",
    ),
    "shapes_do_not_chain": (
        GOOD + '[[layers]]\nkind = "linear"\nout_features = 3\n',
        "bad.toml: layer 2 (linear): its input has shape (1, 2, 4, 4), but linear takes "
        "(N, features); add a flatten before it",
    ),
    "channels_do_not_chain": (
        GOOD.replace("out_channels = 2", "in_channels = 3\nout_channels = 2"),
        "bad.toml: layer 1 (conv2d): in_channels = 3: the shapes do not chain: the input has "
        "shape (1, 1, 6, 6), so in_channels is 1",
    ),
    "kernel_larger_than_input": (
        GOOD.replace("kernel = 3", "kernel = 7"),
        "bad.toml: layer 1 (conv2d): kernel = 7: larger than the input '6x6' on axis 0 (the "
        "kernel spans 7, the padded input has 6); the output would be empty (the input has "
        "shape (1, 1, 6, 6))",
    ),
    "missing_input": (
        GOOD.replace("input = [1, 1, 6, 6]\n", ""),
        "bad.toml: input: missing; give the shape of x, (N, C, H, W) or (N, features), "
        "e.g. input = [1, 1, 6, 6]",
    ),
    "missing_loss": (
        GOOD.replace('loss = "squared_error"\n', ""),
        'bad.toml: loss: missing; expected "squared_error" or "softmax_cross_entropy"',
    ),
    "loss_on_maps": (
        GOOD,
        'bad.toml: loss = "squared_error": the network\'s output (layer 1) has shape '
        "(1, 2, 4, 4); a loss takes (N, features): end with flatten and linear",
    ),
    "identity_shortcut_changes_the_shape": (
        'input = [1, 1, 4, 4]\nloss = "squared_error"\n[[layers]]\nkind = "residual"\n'
        'shortcut = "identity"\n  [[layers.branch]]\n  kind = "conv2d"\n  out_channels = 2\n'
        "  kernel = 3\n  padding = 1\n",
        'bad.toml: layer 1 (residual): shortcut = "identity": the branch maps (1, 1, 4, 4) to '
        "(1, 2, 4, 4); an identity shortcut needs the same shape: keep it, or use "
        'shortcut = "projection"',
    ),
    "branch_key": (
        'input = [1, 1, 4, 4]\nloss = "squared_error"\n[[layers]]\nkind = "residual"\n'
        '  [[layers.branch]]\n  kind = "conv2d"\n  kernel = 3\n  padding = 1\n'
        '  [[layers.branch]]\n  kind = "relu"\n  slope = 0.1\n',
        "bad.toml: layer 1, branch layer 2 (relu): key 'slope': relu does not take it; it "
        "takes in_channels",
    ),
    "not_toml": (
        GOOD.replace('kind = "conv2d"', 'kind = = "conv2d"'),
        "bad.toml: not TOML: line 4: 'kind = = \"conv2d\"': Invalid value (column 8)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(case, tmp_path, monkeypatch):
    text, message = CASES[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["derive", "network", "bad.toml", "-o", "out"])
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_a_missing_file_and_the_command_lines_own_mistakes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    cases = [
        (["derive", "network", "nowhere.toml"], "nowhere.toml: cannot read it (No such file or directory)"),
        (["derive", "network"], "derive network: give the network's file, such as `symderiv derive network examples/networks/tiny_lenet.toml`"),
        (["derive", "conv2d", "net.toml"], "'net.toml': only `symderiv derive network FILE.toml` takes a file; conv2d takes its options"),
        (["derive", "network", "net.toml", "--kernel", "3"], "--kernel '3': derive network reads every layer's options from net.toml; it takes --seed, --format, --output, --force, --max-terms, --lang, --detail, --fragment and --figures/--no-figures"),
        (["derive", "network", "net.toml", "--seed", "-1"], "--seed '-1': expected a non-negative integer, such as 0"),
        (["derive", "network", "net.toml", "--lang", "fr"], "--lang 'fr': expected one of en, zh"),
        (["derive", "network", "net.toml", "--detail", "brief"], "--detail 'brief': expected one of full, summary"),
        (["derive", "network", "net.toml", "--lang", ""], "--lang '': empty; give a value or leave the option out"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, args
        assert result.stderr == f"symderiv: error: {message}\n", args
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin.toml").write_bytes(b'name = "caf\xe9"\n')
    result = CliRunner().invoke(cli, ["derive", "network", "latin.toml"])
    assert result.exit_code == 2
    assert result.stderr == "symderiv: error: latin.toml: not TOML (not UTF-8 text)\n"


def test_the_python_api_names_the_dict():
    doc = {"input": [1, 4], "loss": "squared_error", "layers": [{"kind": "linear"}]}
    assert symderiv.network(doc).parameters()[0].shape == (2, 4)  # the CLI's default, 2
    with pytest.raises(SpecError, match=r"^<network>: layer 1 \(linear\): out_features = 0: "):
        symderiv.network({**doc, "layers": [{"kind": "linear", "out_features": 0}]})
    with pytest.raises(SpecError, match=r"^network 3: expected the path of a TOML file"):
        symderiv.network(3)


def test_over_the_size_limit_is_refused_with_the_number(tmp_path, monkeypatch):
    from symderiv.network.size import first_work

    monkeypatch.chdir(tmp_path)
    net = symderiv.network(
        {"input": [1, 4], "loss": "squared_error", "layers": [{"kind": "linear"}]}
    )
    predicted = net.predicted_terms()
    first = sum(first_work(net).values())  # from the sizes alone: refused before the sample
    assert first < predicted
    with pytest.raises(SizeLimitError, match=f"would do {predicted:,} steps"):
        net.derive(max_terms=predicted - 1)
    with pytest.raises(SizeLimitError, match=f"would do {first:,} steps"):
        net.derive(max_terms=first - 1)
    assert net.derive(max_terms=predicted).verified
    (tmp_path / "net.toml").write_text(
        'input = [1, 4]\nloss = "squared_error"\n[[layers]]\nkind = "linear"\n'
    )
    result = CliRunner().invoke(cli, ["derive", "network", "net.toml", "--max-terms", "10"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"symderiv: error: net.toml: the derivation would do {first:,} steps of work (symbols, "
        "expression nodes, derivative nodes, terms of the proofs), more than the limit of 10; "
        f"raise it with --max-terms {first} (or max_terms={first} in Python) if you have the "
        "time and memory\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.toml"]


def test_an_absurd_network_is_refused_at_once():
    import time

    net = symderiv.network(
        {
            "input": [1, 3, 4000, 4000],
            "loss": "squared_error",
            "layers": [{"kind": "conv2d", "out_channels": 64, "kernel": 3}, {"kind": "flatten"}],
        }
    )
    start = time.perf_counter()
    with pytest.raises(SizeLimitError, match=r"^<network>: the derivation would do "):
        net.derive()
    assert time.perf_counter() - start < 2


def test_a_switch_at_its_kink_is_refused(monkeypatch):
    import numpy as np

    from symderiv.network import values

    real = values.draw

    def zeros(network, seed):
        return {k: np.zeros_like(v) for k, v in real(network, seed).items()}

    monkeypatch.setattr(values, "draw", zeros)
    net = symderiv.network(
        {
            "input": [1, 2],
            "loss": "squared_error",
            "layers": [{"kind": "linear", "out_features": 2}, {"kind": "relu"}],
        }
    )
    with pytest.raises(SpecError) as info:
        net.derive()
    assert str(info.value) == (
        "seed 0: at its sample point an input of layer 2 (relu) is within 1e-09 of its kink, "
        "where the switch is not defined; choose another --seed"
    )
    ties = symderiv.network(
        {
            "input": [1, 1, 2, 2],
            "loss": "squared_error",
            "layers": [{"kind": "max_pool2d", "kernel": 2}, {"kind": "flatten"}],
        }
    )
    with pytest.raises(SpecError) as info:
        ties.derive()
    assert str(info.value) == (
        "seed 0: at its sample point a window of layer 1 (max_pool2d) has its maximum in 4 "
        "cells with different expressions, where the switch is not defined; choose another "
        "--seed"
    )


@pytest.mark.parametrize(
    "doc",
    [
        "tiny_lenet",
        {
            "input": [2, 2, 6, 6],
            "loss": "softmax_cross_entropy",
            "layers": [
                {"kind": "conv2d", "out_channels": 2, "kernel": 3, "stride": 1, "padding": 1},
                {"kind": "tanh"},
                {"kind": "max_pool2d", "kernel": 3, "stride": 2},
                {"kind": "flatten"},
                {"kind": "linear", "out_features": 2},
                {"kind": "leaky_relu", "slope": 0.1},
            ],
        },
    ],
    ids=["tiny_lenet", "batch_two_tanh_leaky"],
)
def test_the_prediction_is_never_below_the_work_done(doc):
    from symderiv.core import work

    from .conftest import ROOT

    net = symderiv.network(ROOT / f"examples/networks/{doc}.toml" if isinstance(doc, str) else doc)
    predicted = net.predicted_work()
    with work.counting() as counts:
        d = net.derive(max_terms=10**8)
        d.to_json(), d.to_latex(), d.to_markdown()
    assert d.verified
    layers = sum(v for k, v in counts.items() if not k.startswith("network") and k != "symbols")
    assert layers <= predicted["layers"]
    for stage, steps in counts.items():
        if stage.startswith("network") or stage == "symbols":
            assert steps <= predicted[stage], stage
    assert sum(counts.values()) <= sum(predicted.values())


def test_long_work_reports_progress_on_stderr(monkeypatch, capsys):
    from symderiv.network import derive

    net = symderiv.network(
        {"input": [1, 3], "loss": "squared_error", "layers": [{"kind": "linear"}]}
    )
    net.derive(progress=True)
    assert capsys.readouterr().err == ""  # a small network: quiet
    monkeypatch.setattr(derive, "_PROGRESS_FROM", 0)
    net.derive(progress=True)
    err = capsys.readouterr().err.splitlines()
    assert "symderiv: end-to-end derivative: 8/8 (100%)" in err
    assert "symderiv: end-to-end proofs: 8/8 (100%)" in err
    with pytest.raises(SpecError, match=r"^progress 'yes': expected True or False$"):
        net.derive(progress="yes")
