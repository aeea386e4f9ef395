"""The handout file: read, checked, and refused in one line naming the file and the field
(exit status 2, nothing written)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.exceptions import SpecError, quoted
from symderiv.handout.file import (
    EXERCISE_KINDS,
    SECTION_ORDER,
    LayerItem,
    NetworkItem,
    read_handout,
    section_names,
)

from .conftest import ROOT

MINIMAL = 'title = "Notes"\n[[item]]\nlayer = "conv2d"\n'


def _write(tmp_path: Path, text: str, name: str = "notes.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_file_takes_the_defaults(tmp_path):
    spec = read_handout(_write(tmp_path, MINIMAL))
    assert (spec.title, spec.author, spec.course, spec.date) == ("Notes", "", "", "")
    assert (spec.language, spec.detail, spec.exercises) == ("en", "full", ())
    assert spec.formats == ("tex", "pdf", "md")
    assert spec.name == "notes"
    assert spec.sections is None
    (item,) = spec.items
    assert isinstance(item, LayerItem)
    assert item.layer.label() == "conv2d_4x4_k2x2_correlation"


def test_options_are_the_command_lines_with_underscores(tmp_path):
    text = (
        'title = "T"\nexercises = true\nname = "week-3"\n'
        '[[item]]\nlayer = "conv2d"\ninput = [5, 5]\nkernel = "3x3"\nin_channels = 2\n'
        'convention = "convolution"\ntitle = "First"\nsections = ["layer", "closed_forms"]\n'
        '[[item]]\nlayer = "leaky_relu"\ninput = 2\nslope = 0.25\n'
    )
    spec = read_handout(_write(tmp_path, text))
    first, second = spec.items
    assert isinstance(first, LayerItem)
    assert isinstance(second, LayerItem)
    assert first.options == (
        ("--input", "5x5"),
        ("--kernel", "3x3"),
        ("--in-channels", "2"),
        ("--convention", "convolution"),
    )
    assert first.layer.label() == "conv2d_5x5_k3x3_c2_convolution"
    assert (first.title, first.sections) == ("First", ("layer", "closed_forms"))
    assert second.options == (("--input", "2"), ("--slope", "0.25"))
    assert spec.exercises == EXERCISE_KINDS
    assert spec.name == "week-3"


def test_a_values_file_is_named_relative_to_the_handout_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.json").write_text('{"A": [[1, 2], [3, 4]]}')
    spec = read_handout(
        _write(
            tmp_path / "sub",
            'title = "T"\n[[item]]\nlayer = "max_pool2d"\ninput = "2x2"\nvalues = "a.json"\n',
        )
    )
    (item,) = spec.items
    assert isinstance(item, LayerItem)
    assert dict(item.options)["--values"] == str(tmp_path / "sub" / "a.json")


TINY = (ROOT / "examples" / "networks" / "tiny_lenet.toml").read_text(encoding="utf-8")


def test_a_network_item_names_its_file_beside_the_handout(tmp_path):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "tiny.toml").write_text(TINY, encoding="utf-8")
    (tmp_path / "h").mkdir()
    text = 'title = "T"\n[[item]]\nnetwork = "../nets/tiny.toml"\nseed = 4\n'
    spec = read_handout(_write(tmp_path / "h", text))
    (item,) = spec.items
    assert isinstance(item, NetworkItem)
    assert item.path == tmp_path / "h" / ".." / "nets" / "tiny.toml"
    assert item.seed == 4
    assert item.network.seed == 4
    assert item.network.name == "A tiny LeNet"
    # shown as a plain path: h/../nets is nets
    assert item.network.source == str(tmp_path / "nets" / "tiny.toml")
    assert [s.kind for s in item.network.stages()] == [
        "conv2d", "sigmoid", "avg_pool2d", "flatten", "linear", "sigmoid"
    ]


BAD = [
    ("", 'title: missing; give the handout a title, e.g. title = "..."'),
    ('title = ""\n[[item]]\nlayer = "conv2d"\n', "title: empty; give a text"),
    ('title = 3\n[[item]]\nlayer = "conv2d"\n', "title: 3: expected a string in quotes"),
    (
        'title = "a\\nb"\n[[item]]\nlayer = "conv2d"\n',
        "title: 'a\\nb': the character U+000A is not printable; give one line of printable text",
    ),
    (
        'title = "卷积"\n[[item]]\nlayer = "conv2d"\n',
        "title: '卷积': the character '卷' (U+5377) cannot be set by pdflatex in an English "
        'handout; use Latin letters, or language = "zh" (xelatex, which sets Chinese and most '
        "scripts)",
    ),
    (MINIMAL + 'language = "fr"\n', None),  # a key after [[item]] belongs to the item
    ('language = "fr"\n' + MINIMAL, "language: 'fr': expected one of en, zh"),
    ('detail = "short"\n' + MINIMAL, "detail: 'short': expected one of full, summary"),
    (
        'formats = ["pdf", "docx"]\n' + MINIMAL,
        "formats: 'docx': expected some of tex, pdf, md, html, ipynb, slides-tex, slides-pdf",
    ),
    ('formats = ["pdf", "pdf"]\n' + MINIMAL, "formats: 'pdf' is given twice"),
    (
        'sections = ["stroy"]\n' + MINIMAL,
        f"sections: 'stroy': expected some of {', '.join(section_names())}",
    ),
    (
        'exercises = "yes"\n' + MINIMAL,
        "exercises: 'yes': expected true, false or a list of terms, contributions, expansion, "
        "choice, closed_form",
    ),
    (
        'name = "../x"\n' + MINIMAL,
        "name: '../x': expected a file-name stem of letters, digits, '.', '_' and '-' (at most "
        "100), such as 'classic-notes'",
    ),
    (
        'titel = "x"\n' + MINIMAL,
        "titel: no such field; a handout file has title, author, course, date, language, "
        "detail, exercises, formats, sections, name, item",
    ),
    (
        'title = "T"\n',
        'item: missing; give at least one [[item]] table, e.g. [[item]] layer = "conv2d"',
    ),
    (
        'title = "T"\n[[item]]\ntitle = "x"\n',
        'item 1: give either layer = "KIND" (e.g. "conv2d") or network = "FILE.toml", not neither',
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv2d"\nnetwork = "n.toml"\n',
        'item 1: give either layer = "KIND" (e.g. "conv2d") or network = "FILE.toml", not both',
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv9d"\n',
        "item 1: layer: 'conv9d': expected one of conv1d, conv2d, conv3d, conv_transpose1d, "
        "conv_transpose2d, conv_transpose3d, avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, "
        "max_pool2d, max_pool3d, subsample2d, map_combination, linear, sigmoid, tanh, relu, "
        "leaky_relu, identity, activation, squared_error, softmax_cross_entropy",
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv2d"\nkernel = "2x"\n',
        "item 1 (conv2d): kernel '2x': expected 2 integers joined by 'x' (or one for every "
        "axis), such as '2x2'",
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv2d"\nin_channels = 3\ngroups = 2\n',
        "item 1 (conv2d): in_channels '3': not divisible by groups 2; channels must split "
        "evenly into groups",
    ),
    (
        'title = "T"\n[[item]]\nlayer = "linear"\nstride = 2\n',
        "item 1 (linear): stride: linear has no such option; it takes in_features, "
        "out_features, batch, input_activation (and title, sections)",
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv2d"\nin-channels = 2\n',
        "item 1 (conv2d): in-channels: conv2d has no such option; it takes input, kernel, "
        "in_channels, out_channels, batch, stride, padding, dilation, groups, output_padding, "
        "convention, input_activation, seed, values (and title, sections)",
    ),
    (
        'title = "T"\n[[item]]\nlayer = "conv2d"\nbatch = true\n',
        "item 1 (conv2d): batch: True: expected a number or a text such as '4x4'",
    ),
    (
        'title = "T"\n[[item]]\nnetwork = "n.toml"\ninput = "4x4"\n',
        "item 1: input: a network item takes network, title, sections and seed; its layers are "
        "in its own file",
    ),
    (
        'title = "T"\n[[item]]\nnetwork = "/etc/passwd"\n',
        "item 1: network: '/etc/passwd': expected the name of a network file ending in .toml, "
        "such as '../networks/tiny_lenet.toml'",
    ),
    (
        'title = "T"\n[[item]]\nnetwork = "n.toml"\nseed = -1\n',
        "item 1: seed: -1: expected a non-negative integer, such as 0",
    ),
    (
        'title = "T"\n[[item]]\nnetwork = "n.toml"\nsections = ["closed_forms"]\n',
        "item 1: sections: 'closed_forms': expected some of network, figure, story, forward, "
        "switches, loss, backward, numeric",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_files_are_refused_naming_the_file_and_the_field(tmp_path, text, message):
    path = _write(tmp_path, text)
    if message is None:  # TOML: a key after [[item]] is the item's
        with pytest.raises(SpecError, match="item 1 \\(conv2d\\): language: conv2d has no"):
            read_handout(path)
        return
    with pytest.raises(SpecError) as caught:
        read_handout(path)
    assert str(caught.value) == f"{path}: {message}"


def test_chinese_text_is_taken_in_a_chinese_handout(tmp_path):
    spec = read_handout(_write(tmp_path, 'title = "卷积层"\nlanguage = "zh"\n' + MINIMAL[16:]))
    assert spec.title == "卷积层"
    assert spec.language == "zh"


def test_not_toml_not_utf8_and_missing_files(tmp_path):
    path = _write(tmp_path, 'title = "T\n')
    with pytest.raises(SpecError, match=rf"^{path}: not valid TOML: .*line 1"):
        read_handout(path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(SpecError) as caught:
        read_handout(latin)
    assert str(caught.value) == f"{latin}: not UTF-8 text (byte 12); save the handout file as UTF-8"
    with pytest.raises(SpecError, match=r"nope.toml: no such file$"):
        read_handout(tmp_path / "nope.toml")
    with pytest.raises(SpecError, match=r"is a folder; name a handout file \(.toml\)$"):
        read_handout(tmp_path)


def _run(args: list[str]):
    return CliRunner().invoke(cli, ["handout", *args], catch_exceptions=False)


def test_the_command_line_refuses_in_one_line_and_writes_nothing(tmp_path):
    path = _write(tmp_path, 'title = "T"\n[[item]]\nlayer = "conv2d"\nkernel = "0x2"\n')
    out = tmp_path / "out"
    result = _run([str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"symderiv: error: {path}: item 1 (conv2d): kernel")
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "pdf,docx"],
            "--format 'pdf,docx': expected a comma-separated list of "
            "tex, pdf, md, html, ipynb, slides-tex, slides-pdf",
        ),
        (["--lang", "fr"], "--lang 'fr': expected one of en, zh"),
        (["--format", ""], "--format '': empty; give a value or leave the option out"),
    ],
)
def test_bad_options_are_refused(tmp_path, args, message):
    path = _write(tmp_path, MINIMAL)
    result = _run([str(path), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert result.output == f"symderiv: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_lang_override_checks_the_texts_again(tmp_path):
    path = _write(tmp_path, 'title = "卷积层"\nlanguage = "zh"\n' + MINIMAL[16:])
    result = _run([str(path), "--lang", "en", "--format", "md", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "title: '卷积层': the character '卷' (U+5377) cannot be set by pdflatex" in result.output


@pytest.mark.parametrize(
    ("network", "message"),
    [
        (None, "{net}: cannot read it (No such file or directory)"),
        (
            TINY.replace("kernel = 3 ", "kernel = 9 "),
            "{net}: layer 1 (conv2d): kernel = 9: larger than the input '6x6' on axis 0 (the "
            "kernel spans 9, the padded input has 6); the output would be empty (the input has "
            "shape (1, 1, 6, 6))",
        ),
    ],
)
def test_a_bad_network_file_is_refused_before_any_work_and_writes_nothing(
    tmp_path, network, message
):
    if network is not None:
        (tmp_path / "tiny.toml").write_text(network, encoding="utf-8")
    path = _write(tmp_path, 'title = "T"\n[[item]]\nnetwork = "tiny.toml"\n')
    result = _run([str(path), "--format", "md", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    net = tmp_path / "tiny.toml"
    assert result.output == f"symderiv: error: {path}: item 1: network: {message.format(net=net)}\n"
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path):
    path = _write(tmp_path, MINIMAL)
    (tmp_path / "f").write_text("x")
    result = _run([str(path), "-o", str(tmp_path / "f"), "--format", "md"])
    assert result.exit_code == 2
    shown = quoted(str(tmp_path / "f"))
    assert result.output == f"symderiv: error: --output {shown} is a file, not a folder\n"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "examples" / "handouts").glob("*.toml")), ids=lambda p: p.stem
)
def test_the_example_handout_files_are_valid(path):
    spec = read_handout(path)
    assert spec.items
    assert all(isinstance(i, (LayerItem, NetworkItem)) for i in spec.items)


def test_the_classic_notes_end_with_the_tiny_networks_backward_pass():
    spec = read_handout(ROOT / "examples" / "handouts" / "classic-notes.toml")
    assert [i.kind for i in spec.items if isinstance(i, LayerItem)] == [
        "conv2d", "avg_pool2d", "max_pool2d", "linear"
    ]
    last = spec.items[-1]
    assert isinstance(last, NetworkItem)
    assert last.network.source == str(ROOT / "examples" / "networks" / "tiny_lenet.toml")


def test_the_readmes_handout_file_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    handouts = readme[readme.index("## Handouts") :]
    block = re.findall(r"```toml\n(.*?)```", handouts, re.DOTALL)[0]
    (tmp_path / "tiny_lenet.toml").write_text(TINY, encoding="utf-8")
    spec = read_handout(_write(tmp_path, block))
    assert spec.name == "week-5"
    assert spec.exercises == EXERCISE_KINDS
    conv, pool, net = spec.items
    assert isinstance(conv, LayerItem)
    assert isinstance(pool, LayerItem)
    assert isinstance(net, NetworkItem)
    assert conv.layer.label() == "conv2d_4x4_k2x2_correlation"
    assert pool.layer.label() == "max_pool2d_4x4_k2x2_seed3_first"
    assert net.network.label() == "network_tiny_lenet"
    assert net.sections == ("network", "figure", "story", "loss", "backward")


def test_texts_can_be_given_per_language(tmp_path):
    text = (
        'title = { en = "Pooling", zh = "池化" }\ncourse = "CNN"\n'
        '[[item]]\nlayer = "avg_pool2d"\ntitle = { en = "Mean", zh = "平均" }\n'
    )
    path = _write(tmp_path, text)
    en, zh = read_handout(path), read_handout(path, language="zh")
    assert (en.title, en.course, en.items[0].title) == ("Pooling", "CNN", "Mean")
    assert (zh.title, zh.course, zh.items[0].title) == ("池化", "CNN", "平均")
    assert (en.overrides, zh.overrides) == ((), ("--lang", "zh"))
    with pytest.raises(SpecError) as caught:
        read_handout(_write(tmp_path, 'title = { en = "A" }\nlanguage = "zh"\n' + MINIMAL[16:]))
    assert str(caught.value).endswith("title: no text for 'zh'; add zh = \"...\" to the table")
    with pytest.raises(SpecError) as caught:
        read_handout(_write(tmp_path, 'title = { en = "A", fr = "B" }\n' + MINIMAL[16:]))
    assert str(caught.value).endswith(
        "title: 'fr': not a language; give one text, or one per language: "
        '{ en = "...", zh = "..." }'
    )


def test_section_names_are_the_sheets_section_kinds():
    names = section_names()
    assert names[: len(SECTION_ORDER)] == SECTION_ORDER
    assert {"layer", "forward", "gradients", "story", "closed_forms"} <= set(names)
    assert not {"elements", "regrouping", "padded_delta", "macros"} & set(names)
