"""Reads the document pages share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qinglian.accounts.scopes import capabilities, scope
from qinglian.documents import registry
from qinglian.documents.models import Document


def document_list(*, viewer, q: str = "") -> QuerySet[Document]:
    """Documents `viewer` may see (same rule as `access_document`), newest first."""
    visible = Q(issuing_unit__in=_units(viewer))
    restricted = registry.restricted_codes(capabilities(viewer))
    if restricted:
        visible &= ~Q(template__in=restricted)
    docs = Document.objects.filter(visible | Q(created_by=viewer)).select_related(
        "issuing_unit", "created_by"
    )
    if q:
        docs = docs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return docs.order_by("-created_at", "-id")


def _units(viewer):
    from qinglian.people.models import Unit

    return Unit.objects.filter(scope(viewer, "documents.view").units_q()).values("pk")
