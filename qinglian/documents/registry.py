"""Document templates, registered by code.

A template is a function from domain data to an OfficialDocument. An app adds its own (an opinion
letter, a referral sheet, a reminder card) in its `documents.py` or wherever it likes, at import:

    from qinglian.documents.registry import document_template

    @document_template("intake.referral_sheet", name="问题线索转办单", view_capability="sealed.clue_content")
    def referral_sheet(*, clue, issuing_unit, on_date) -> OfficialDocument:
        return OfficialDocument(title=..., body=[...], issuing_body=issuing_unit.name, date=on_date)

and issues it with `documents.services.document_generate(template="intake.referral_sheet", data={...})`.
`view_capability`, when set, is needed (besides `documents.view` in scope) to list or download
documents made from the template: a referral sheet carries sealed clue content.
`reader`, when set, is the template's own access rule, `reader(user, document) -> bool`: a user it
accepts may download the document besides its creator and those whose `documents.view` scope
holds the issuing unit — e.g. the organisation department that asked for an integrity opinion
reads the commission's reply, whatever its own scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qinglian.documents.content import OfficialDocument


@dataclass(frozen=True)
class DocumentTemplate:
    code: str
    name: str
    build: Callable[..., OfficialDocument]
    view_capability: str = ""
    reader: Callable[[Any, Any], bool] | None = None


_TEMPLATES: dict[str, DocumentTemplate] = {}


def register(template: DocumentTemplate) -> DocumentTemplate:
    existing = _TEMPLATES.get(template.code)
    if existing is not None and existing.build is not template.build:
        raise ValueError(f"document template {template.code} is registered twice")
    _TEMPLATES[template.code] = template
    return template


def document_template(code: str, *, name: str, view_capability: str = "", reader=None):
    """Decorator form of `register`."""

    def decorator(build):
        register(DocumentTemplate(code, name, build, view_capability, reader))
        return build

    return decorator


def get(code: str) -> DocumentTemplate:
    try:
        return _TEMPLATES[code]
    except KeyError:
        raise LookupError(f"unknown document template {code!r}") from None


def templates() -> dict[str, DocumentTemplate]:
    return dict(_TEMPLATES)


def restricted_codes(capabilities: frozenset[str]) -> list[str]:
    """Template codes whose documents a holder of `capabilities` may not see."""
    return sorted(
        t.code for t in _TEMPLATES.values() if t.view_capability and t.view_capability not in capabilities
    )
