from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.core.pagination import paginate, query_without_page
from qinglian.workitems import selectors, services
from qinglian.workitems.access import access_workitem, can_cancel, can_complete
from qinglian.workitems.forms import CancelForm, CompleteForm, FilterForm, MarkReadForm
from qinglian.workitems.models import Notification

_EMPTY = {
    "open": "暂无办理中的待办。",
    "overdue": "没有逾期的待办。",
    "done": "暂无已办结或已撤销的待办。",
    "escalated": "没有需要本单位督办的逾期事项。",
}


@capability_required("workitems.view")
def workitem_list(request):
    form = FilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        show = "open"
    else:
        show = (form.cleaned_data.get("show") if form.is_bound else "") or "open"
    today = timezone.localdate()
    items = selectors.workitem_list(viewer=request.user, show=show, today=today)
    return render(
        request,
        "workitems/list.html",
        {
            "title": "我的待办",
            "form": form,
            "show": show,
            "filters": selectors.FILTERS,
            "empty": _EMPTY[show],
            "today": today,
            "page": paginate(request, items),
            "query": query_without_page(request),
        },
        status=status,
    )


def _subject_url(item) -> str | None:
    subject = item.subject  # the target page checks its own access
    return subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else None


def _detail(request, item, *, complete_form=None, cancel_form=None, status=200):
    return render(
        request,
        "workitems/detail.html",
        {
            "title": item.title,
            "item": item,
            "today": timezone.localdate(),
            "subject_url": _subject_url(item),
            "complete_form": complete_form or CompleteForm() if can_complete(request.user, item) else None,
            "cancel_form": cancel_form or CancelForm() if can_cancel(request.user, item) else None,
        },
        status=status,
    )


@capability_required("workitems.view")
def workitem_detail(request, item_id: int):
    return _detail(request, access_workitem(request.user, item_id))


@require_POST
@capability_required("workitems.view")
def workitem_complete(request, item_id: int):
    item = access_workitem(request.user, item_id)
    if not can_complete(request.user, item):
        raise PermissionDenied("只有承办人或承办单位人员可以办结该待办")
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.workitem_complete(
                actor=request.user, item=item, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已办结“{item.title}”。")
            return redirect("workitems:detail", item_id=item.pk)
    return _detail(request, item, complete_form=form, status=400)


@require_POST
@capability_required("workitems.view")
def workitem_cancel(request, item_id: int):
    item = access_workitem(request.user, item_id)
    if not can_cancel(request.user, item):
        raise PermissionDenied("只有交办人或督办单位人员可以撤销该待办")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.workitem_cancel(
                actor=request.user, item=item, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已撤销“{item.title}”。")
            return redirect("workitems:detail", item_id=item.pk)
    return _detail(request, item, cancel_form=form, status=400)


@capability_required("workitems.view")
def notification_list(request):
    return render(
        request,
        "workitems/notifications.html",
        {
            "title": "通知",
            "page": paginate(request, selectors.notification_list(user=request.user)),
            "query": query_without_page(request),
            "unread": selectors.unread_count(request.user),
        },
    )


@require_POST
@capability_required("workitems.view")
def notification_read(request):
    """Mark one notification (field `notification`) or, without it, all of mine as read."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "通知编号无效。")
        return redirect("workitems:notifications")
    mine = Notification.objects.filter(user=request.user, read_at__isnull=True)
    if form.cleaned_data["notification"]:
        if not Notification.objects.filter(user=request.user, pk=form.cleaned_data["notification"]).exists():
            raise Http404("通知不存在")
        mine = mine.filter(pk=form.cleaned_data["notification"])
    mine.update(read_at=timezone.now())
    return redirect("workitems:notifications")
