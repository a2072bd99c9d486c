"""One way to run a write: the service changes rows, this commits them or rolls them all back.

Services never commit. Pages call :func:`save_form` (a submitted form) or :func:`page_write`
(a button), the API calls :func:`api_write`, the CLI :func:`cli_write`; all of them go through
:func:`committing`. A refusal (:class:`CouncilError`) saves nothing and answers with the
error's own status everywhere — 422 for a broken rule or bad input, 404 for something
missing, 403 for a role that may not — on a page as on the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from flask import flash, g
from flask_wtf import FlaskForm

from ..extensions import db
from .errors import CouncilError

T = TypeVar("T")

#: What a page says after a write: fixed text, or text made from the result (None: nothing).
Done = str | Callable[[Any], str | None] | None


@contextmanager
def committing() -> Iterator[None]:
    """Run the block as one unit of work: commit at its end, roll back on any error."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def api_write(action: Callable[[], T]) -> T:
    """Run an API write and commit; a refusal propagates to the API's JSON error handler."""
    with committing():
        return action()


def cli_write(action: Callable[[], T]) -> T:
    """Run a CLI write and commit; a refusal becomes the command's error message."""
    try:
        with committing():
            return action()
    except CouncilError as error:
        raise click.ClickException(str(error)) from None


def page_write(
    action: Callable[[], T], *, done: Done = None, form: FlaskForm | None = None
) -> T | None:
    """Run a page's write: commit and say ``done``, or save nothing and show why.

    The refusal goes onto ``form``'s fields when it names one, else into a flash message;
    :func:`form_status` then answers with the refusal's status. Warnings a result carries
    (``result.warnings``) are flashed after the success message.
    """
    try:
        with committing():
            result = action()
    except CouncilError as error:
        g.refusal_status = error.status_code
        show_refusal(error, form)
        return None
    message = done(result) if callable(done) else done
    if message:  # a callable may say nothing for a result that needs no message
        flash(message, "success")
    for warning in getattr(result, "warnings", ()):
        flash(f"주의: {warning}", "warning")
    return result


def save_form(form: FlaskForm, action: Callable[[dict], T], *, done: Done = None) -> T | None:
    """Run ``action`` on a submitted form's input (see :func:`page_write`); None if not saved."""
    if not form.validate_on_submit():
        return None
    return page_write(lambda: action(form_input(form)), done=done, form=form)


def form_input(form: FlaskForm) -> dict[str, Any]:
    """Return a form's values as the mapping a command is read from (no token, no buttons)."""
    return {
        name: field.data
        for name, field in form._fields.items()
        if name != "csrf_token" and field.type != "SubmitField"
    }


def show_refusal(error: CouncilError, form: FlaskForm | None = None) -> None:
    """Put a refusal's reasons on the form's fields, or flash those no field can hold."""
    fields: Mapping[str, Any] = form._fields if form is not None else {}
    for field_name, message in error.errors:
        field = fields.get(field_name) if field_name else None
        if field is not None:
            field.errors = [*field.errors, message]
        elif form is not None:
            form.form_errors.append(message)
        else:
            flash(message, "error")


def form_status(form: FlaskForm | None = None) -> int:
    """Return the status of a page that shows a form: the refusal's, 422 for a bad form, or 200."""
    refused = g.get("refusal_status")
    if refused is not None:
        return refused
    if form is not None and (form.errors or form.form_errors):
        return 422
    return 200
