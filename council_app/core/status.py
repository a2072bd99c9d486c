"""One way to move a session or a meeting to another state from its page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import flash
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from .commands import read_command
from .types import LabelledEnum
from .writes import form_input, page_write


class StatusForm(FlaskForm):
    """The state to move to and why; the page's template labels the fields."""

    status = SelectField()
    reason = StringField()


def status_form(states: Iterable[LabelledEnum]) -> StatusForm:
    """Return a status form offering ``states``."""
    form = StatusForm()
    # Translated when the page shows them (the labels are Korean msgids marked by N_).
    form.status.choices = [SelectChoice(s.value, lazy_gettext(s.label)) for s in states]
    return form


def change_status(states: Iterable[LabelledEnum], command_cls: type, update: Callable) -> None:
    """Read a submitted status form into ``command_cls`` (partly) and run ``update`` with it.

    ``update`` returns an outcome whose ``obj`` has a ``name`` and a ``status``; the page
    then says the new state, or why nothing changed.
    """
    form = status_form(states)
    if not form.validate_on_submit():
        flash("바꿀 상태를 목록에서 골라 주세요.", "error")
        return
    page_write(
        lambda: update(read_command(command_cls, form_input(form), partial=True)),
        done=_new_state,
    )


def _new_state(outcome: Any) -> str:
    return f"{outcome.obj.name} 상태: {outcome.obj.status.label}"
