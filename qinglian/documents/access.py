"""The one checked fetch of a document: its creator, a user the template's own `reader` rule
accepts (e.g. the requester of an integrity opinion, for its reply letter), or `documents.view`
over the issuing unit (plus the template's own capability, for documents that carry sealed
content). Otherwise 404."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import capabilities, scope
from qinglian.documents import registry
from qinglian.documents.models import Document


def can_see(user, doc: Document) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if doc.created_by_id == user.pk:
        return True
    caps = capabilities(user)
    if doc.template in registry.restricted_codes(caps):
        return False
    template = registry.templates().get(doc.template)
    if template is not None and template.reader is not None and template.reader(user, doc):
        return True
    return scope(user, "documents.view").contains(doc.issuing_unit)


def access_document(user, doc_id) -> Document:
    try:
        doc = Document.objects.select_related("issuing_unit").get(pk=int(doc_id))
    except (Document.DoesNotExist, TypeError, ValueError):
        raise Http404("公文不存在") from None
    if not can_see(user, doc):
        raise Http404("公文不存在")
    return doc
