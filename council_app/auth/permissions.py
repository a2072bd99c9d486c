"""Who may do what: roles, the permissions they grant, and the view decorator."""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort, request
from flask_login import current_user

from ..core.types import LabelledEnum
from ..i18n import N_


class Role(LabelledEnum):
    """A staff account's role; citizens need no account."""

    ADMIN = "admin", N_("관리자")
    SECRETARIAT = "secretariat", N_("의사팀")
    STENOGRAPHER = "stenographer", N_("속기")


class Permission(enum.Enum):
    """An action that changes data; every write route names exactly one."""

    MANAGE_USERS = "manage_users"
    MANAGE_OWN_TOKENS = "manage_own_tokens"
    MANAGE_COUNCIL = "manage_council"
    MANAGE_SESSIONS = "manage_sessions"
    MANAGE_AGENDA = "manage_agenda"
    EDIT_MINUTES = "edit_minutes"
    WITHDRAW_MINUTES = "withdraw_minutes"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SECRETARIAT: frozenset(
        {
            Permission.MANAGE_OWN_TOKENS,
            Permission.MANAGE_COUNCIL,
            Permission.MANAGE_SESSIONS,
            Permission.MANAGE_AGENDA,
        }
    ),
    Role.STENOGRAPHER: frozenset({Permission.MANAGE_OWN_TOKENS, Permission.EDIT_MINUTES}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    """Tell whether ``role`` grants ``permission``."""
    return permission in GRANTS[role]


def permission_required(permission: Permission):
    """Refuse the view unless the logged-in user holds ``permission``.

    Anonymous users are sent to the login page (pages) or get 401 (API); users whose role
    lacks the permission get 403. The permission is kept on the view so tests can find
    every write route and check it.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.blueprint == "api":
                    abort(401)
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
