"""Glue between WTForms and the services' errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from ..extensions import db
from .errors import CouncilError

T = TypeVar("T")


def show_errors(form: FlaskForm, error: CouncilError) -> None:
    """Put a service's errors on the form's fields (or on the form when no field matches)."""
    for field_name, message in error.errors:
        field = form._fields.get(field_name) if field_name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def submitted_data(form: FlaskForm) -> dict:
    """Return the form's values for a service, without the CSRF token and buttons."""
    return {
        name: field.data
        for name, field in form._fields.items()
        if name != "csrf_token" and field.type != "SubmitField"
    }


def save_form(form: FlaskForm, action: Callable[[dict], T]) -> T | None:
    """Run ``action`` on a valid submitted form and commit; on a refusal show why, save nothing."""
    if not form.validate_on_submit():
        return None
    try:
        result = action(submitted_data(form))
    except CouncilError as error:
        db.session.rollback()
        show_errors(form, error)
        return None
    db.session.commit()
    return result


def form_status(form: FlaskForm) -> int:
    """Answer 422 when the form comes back with errors, so scripts and tests can tell."""
    return 422 if form.errors or form.form_errors else 200


def commit_or_flash(change: Callable[[], T], done: str) -> bool:
    """Run one service call for a button: commit and say ``done``, or say why not and save nothing."""
    try:
        change()
    except CouncilError as error:
        db.session.rollback()
        for _, message in error.errors:
            flash(message, "error")
        return False
    db.session.commit()
    flash(done, "success")
    return True
