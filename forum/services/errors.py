"""The domain errors that services raise and the web and API layers translate."""

from __future__ import annotations

from flask_babel import gettext as _


class DomainError(Exception):
    """Base of every refusal a service can give. `code` is the API error code."""

    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict:
        return {}


class Invalid(DomainError):
    """Input that breaks a rule; `fields` maps each field to its message."""

    code = "invalid"
    status = 400

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields

    def details(self) -> dict:
        return {"fields": self.fields}


class NotSignedIn(DomainError):
    code = "not_signed_in"
    status = 401


class NotAllowed(DomainError):
    """The user lacks a reputation privilege: says which, how much, and what they have."""

    code = "privilege_required"
    status = 403

    def __init__(self, privilege: str, needed: int, have: int, message: str | None = None) -> None:
        label = privilege.replace("_", " ")
        super().__init__(
            message
            or _(
                "You need %(needed)d reputation to %(action)s; you have %(have)d.",
                needed=needed,
                action=label,
                have=have,
            )
        )
        self.privilege = privilege
        self.needed = needed
        self.have = have

    def details(self) -> dict:
        return {"privilege": self.privilege, "needed": self.needed, "have": self.have}


class Forbidden(DomainError):
    """Not allowed for a reason other than reputation (someone else's post, too early)."""

    code = "forbidden"
    status = 403


class OwnPost(Forbidden):
    """Nobody votes on their own post."""

    code = "own_post"


class TooEarly(Forbidden):
    """Allowed later: accepting your own answer waits after asking."""

    code = "too_early"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
