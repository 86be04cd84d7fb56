from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.audit import selectors, services
from qinglian.audit.checkpoints import checkpoint_last, checkpoint_text
from qinglian.audit.forms import EventFilterForm, ExportForm
from qinglian.audit.models import AuditEvent
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render_log(request, *, form, export_form=None, status=200):
    if form.is_bound and not form.is_valid():
        events, status = AuditEvent.objects.none(), 400
    else:
        events = selectors.event_list(**form.filters()) if form.is_bound else selectors.event_list()
    if export_form is None:
        export_form = ExportForm(initial=form.cleaned_data if form.is_bound and form.is_valid() else {})
    checkpoint = checkpoint_last()
    head_seq, _ = selectors.chain_head()
    return render(
        request,
        "audit/event_list.html",
        {
            "title": "审计日志",
            "form": form,
            "export_form": export_form,
            "can_export": has_capability(request.user, "audit.export"),
            "page": paginate(request, events),
            "query": query_without_page(request),
            "checkpoint": checkpoint,
            "checkpoint_text": checkpoint_text(checkpoint),
            "head_seq": head_seq,
        },
        status=status,
    )


@capability_required("audit.view")
def event_list(request):
    return _render_log(request, form=EventFilterForm(request.GET or None))


@require_POST
@capability_required("audit.view", "audit.export")
def event_export(request):
    export_form = ExportForm(request.POST)
    filter_form = EventFilterForm(request.POST)
    if export_form.is_valid():
        try:
            name, file = services.audit_export(
                actor=request.user,
                filters=export_form.filters(),
                reason=export_form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(export_form, exc)
            else:
                export_form.add_error(None, exc.messages)
        else:
            return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX)
    return _render_log(request, form=filter_form, export_form=export_form, status=400)


@require_POST
@capability_required("audit.view")
def chain_verify(request):
    # Runs synchronously for now: fine for a county's log; a province's belongs in a task.
    result = services.chain_verify(actor=request.user, request=request)
    if result.ok:
        messages.success(request, result.summary())
    else:
        messages.error(request, result.summary())
    return redirect("audit:log")
