"""Errors that services raise, carrying the reasons a user can act on."""

from __future__ import annotations


class CouncilError(Exception):
    """Base class for errors a user caused and can correct."""

    status_code = 400

    def __init__(self, errors: list[tuple[str | None, str]] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = [(field, errors)]
        self.errors = errors
        super().__init__("; ".join(message for _, message in errors))

    def as_json(self) -> dict:
        """Return the API's error body."""
        return {"errors": [{"field": f, "message": m} for f, m in self.errors]}


class RuleViolation(CouncilError):
    """A change would break a rule of the ordinance or of the system; nothing was saved."""

    status_code = 422


class NotAllowed(CouncilError):
    """The current user's role does not allow the action."""

    status_code = 403


class NotFound(CouncilError):
    """The object asked for does not exist or is not public."""

    status_code = 404
