"""Small helpers shared by the forms of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it,
    otherwise at the top. `rename` maps a service's field name to the form's."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, messages)


def error_text(exc) -> str:
    """One line for a flash message from a service's ValidationError or PermissionDenied."""
    return "；".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])


def form_status(request, *forms) -> int:
    """400 when a submitted form is sent back with errors (bad input is a client error), else 200."""
    return 400 if request.method == "POST" and any(f.errors for f in forms if f is not None) else 200
