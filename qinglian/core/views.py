from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from qinglian.core.navigation import first_entry_under


@login_required
def home(request):
    return render(request, "core/home.html", {"title": "工作台"})


@login_required
def section_home(request, prefix: str):
    """A module's bare address (e.g. /task-force/): its first page this user may open, in the
    order of the navigation; "not found" when the user may open none."""
    url = first_entry_under(request.user, prefix)
    if url is None:
        raise Http404
    return redirect(url)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "请求有误", "code": 400, "message": "请求的内容无法处理，请检查后重试。"},
        status=400,
    )


def permission_denied(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": "无权访问",
            "code": 403,
            "message": str(exception) if exception and str(exception) else "您的角色无权访问此页面。",
        },
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "页面不存在", "code": 404, "message": "您要找的页面或记录不存在，或不在您的查看范围内。"},
        status=404,
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {"title": "系统错误", "code": 500, "message": "系统处理时出错，已记录。请稍后重试或联系管理员。"},
        status=500,
    )


def csrf_failure(request, reason=""):
    return render(
        request,
        "core/error.html",
        {
            "title": "页面已过期",
            "code": 403,
            "message": "页面已过期或表单来源无法验证，请刷新页面后重新提交。",
        },
        status=403,
    )
