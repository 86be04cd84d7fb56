"""Error pages of the split public front (the core's own need its staff frame)."""

from django.shortcuts import render


def _page(request, status, title, message):
    return render(request, "front/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "请求有误", "提交的内容无法处理，请返回后重试。")


def forbidden(request, exception=None):
    return _page(request, 403, "页面已过期", "页面已过期，请刷新后重新提交。")


def not_found(request, exception=None):
    return _page(request, 404, "页面不存在", "您要找的页面不存在。")


def server_error(request):
    return _page(request, 500, "系统繁忙", "系统暂时无法处理，请稍后再试。")


def csrf_failure(request, reason=""):
    return forbidden(request)
