"""What a loss's sheet says: E in index form, its derivative (y − t for the squared error;
softmax(y)·Σt − t, so softmax(y) − t for probability targets, for the cross-entropy), and
how that gradient is the delta δ^L the last layer receives, in the sheet's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import texts as texts  # registers the messages
from ._sheet import closed_forms_section, document, form, layer_section, step, story_section, tail
from .loss import ANY_T, GIVEN, NO_CONDITION, NO_HALF, NOTES, SIGN, SIGN_CE, LossSpec

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck
    from ..render.sheet import SheetView

__all__ = ["loss_sheet"]

_SOFTMAX_TEX = r"\operatorname{softmax}(y)"
_STORY = (NOTES, GIVEN, ANY_T)  # the forms the story prints


def _closed_form_latex(s: LossSpec, c: ClosedFormCheck) -> str:
    lhs = r"\frac{\partial E}{\partial y}"
    if not s.cross_entropy:
        return rf"{lhs} = {c.formula.latex({'y': 'y', 't': 't'})}"
    body = {
        GIVEN: rf"{_SOFTMAX_TEX} - t",
        ANY_T: rf"{_SOFTMAX_TEX} \sum_{{c}} t_{{c}} - t",
        NO_CONDITION: rf"{_SOFTMAX_TEX} - t",
        SIGN_CE: rf"t - {_SOFTMAX_TEX}",
    }[c.stated_in]
    return f"{lhs} = {body}"


def _heading(c: ClosedFormCheck, view: SheetView) -> str:
    _ = view._
    headings = {
        NOTES: "loss.heading.notes",
        GIVEN: "loss.heading.given",
        ANY_T: "loss.heading.any_t",
        NO_CONDITION: "loss.heading.no_condition",
    }
    mistakes = {SIGN: "loss.mistake.sign", NO_HALF: "loss.mistake.no_half",
                SIGN_CE: "loss.mistake.sign_ce"}
    if c.stated_in in headings:
        return _(headings[c.stated_in])
    if c.stated_in in mistakes:
        return _("sheet.known_mistake", what=_(mistakes[c.stated_in]))
    return c.stated_in


def _story(s: LossSpec, view: SheetView) -> dict[str, Any]:
    _ = view._
    closed = {
        c.stated_in: _closed_form_latex(s, c) for c in view.d.closed_forms if c.stated_in in _STORY
    }

    def shown(key: str) -> list[str]:
        return [closed[key]] if key in closed else []

    steps = []
    if s.cross_entropy:
        steps += [
            step(
                _("loss.story.ce_split"),
                [
                    r"E = -\sum_{c} t_{c}\, y_{c} + \Bigl(\sum_{c} t_{c}\Bigr) "
                    r"\log \sum_{k} e^{y_{k}}"
                ],
            ),
            step(
                _("loss.story.ce_diff"),
                [
                    r"\frac{\partial E}{\partial y_{j}} = -t_{j} + \Bigl(\sum_{c} t_{c}\Bigr) "
                    r"\operatorname{softmax}(y)_{j}",
                    *shown(ANY_T),
                ],
            ),
            step(_("loss.story.ce_given"), shown(GIVEN)),
        ]
    else:
        steps.append(step(_("loss.story.chain")))
        steps.append(
            step(
                _("loss.story.se"),
                [
                    r"\frac{\partial E}{\partial y_{c}} = \frac{1}{2} \sum_{k} 2 "
                    r"\left(y_{k} - t_{k}\right) \frac{\partial y_{k}}{\partial y_{c}} "
                    r"= y_{c} - t_{c}",
                    *shown(NOTES),
                ],
            )
        )
    steps.append(step(_("loss.story.delta")))
    if s.batch > 1:
        steps.append(step(_("loss.story.batch")))
    return story_section(view, steps)


def loss_sheet(s: LossSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a loss's sheet."""
    d = view.d
    _ = view._
    summary = view.summary
    batch = s.batch > 1
    sup = "^{(n)}" if batch else ""
    total = r"\sum_{n} " if batch else ""
    last = s.features - 1
    notes: list[str] = []
    if s.cross_entropy:
        intro = _("loss.intro.ce")
        definition = (
            rf"E = -{total}\sum_{{c}} t{sup}_{{c}} \log \operatorname{{softmax}}(y{sup})_{{c}}, "
            r"\qquad \log \operatorname{softmax}(y)_{c} = y_{c} - \log \sum_{k} e^{y_{k}}"
        )
        rest = " - ".join(f"t{sup}_{{{c}}}" for c in range(last))
        notes.append(
            _(
                "loss.side",
                sum=rf"$\sum_c t{sup}_{{c}} = 1$",
                each=_("loss.side.each") if batch else "",
                last=rf"$t{sup}_{{{last}}} = 1 - {rest}$",
            )
        )
    else:
        intro = _("loss.intro.se")
        definition = (
            rf"E = \frac{{1}}{{2}} {total}\sum_{{c}} \left(y{sup}_{{c}} - t{sup}_{{c}}\right)^{{2}}"
        )
    leads = [(n,) for n in range(s.batch)]
    matrices = view.tensor_matrices([("y", leads, (s.features,)), ("t", leads, (s.features,))])
    if matrices is not None:
        matrices["note"] = _("loss.matrices", per=_("loss.matrices.per") if batch else "")
    layer = layer_section(
        view,
        heading=_("loss.heading"),
        intro=[intro],
        definition=definition,
        notes=notes,
        output={"letter": "E", "shape": "1"},
        matrices=matrices,
    )
    notation = view.notation_section(delta=False)
    notation["entries"].append(_("loss.notation"))
    forms = [
        form(view, c, _closed_form_latex(s, c), _heading(c, view), story=c.stated_in in _STORY)
        for c in d.closed_forms
    ]
    gradients = d.gradients_of("y")
    if summary:
        worked: list[dict[str, Any]] = [view.worked_section([d.forward, gradients], [])]
    else:
        worked = [
            view.forward_section(intro=_("loss.forward")),
            view.elements_section(_("heading.gradient"), gradients, _("loss.chain"), "block", []),
        ]
    decided = {c.decided_by for c in d.closed_forms if c.expected}
    if "cancel" in decided:
        how = _("loss.how.cancel")
    else:
        how = _("loss.how.expand_ce" if s.cross_entropy else "loss.how.expand")
    torch = "torch.nn.functional." + ("cross_entropy" if s.cross_entropy else "mse_loss")
    sections = [
        notation,
        layer,
        _story(s, view),
        *worked,
        closed_forms_section(
            view,
            _("closed.intro_summary") if summary else _("loss.closed_intro", how=how),
            forms,
            legend=_("loss.legend") if s.cross_entropy else None,
        ),
        *tail(
            view,
            verdict=_("loss.verdict.ce" if s.cross_entropy else "loss.verdict.se"),
            refs=["ref.seeds_loss", "ref.bouvrie"],
            pytorch=[torch],
            sampling=_("loss.sampling.ce" if s.cross_entropy else "loss.sampling.se"),
        ),
    ]
    parts = [_("loss.title.features", n=s.features)]
    if batch:
        parts.append(_("title.batch", n=s.batch))
    title = _("title.join", kind=s.kind, parts=_("title.sep").join(parts))
    command = f"symderiv derive {s.kind} --input {s.features}" + (
        f" --batch {s.batch}" if batch else ""
    )
    return document(title, command, sections)
