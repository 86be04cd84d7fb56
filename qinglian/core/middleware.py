"""Requests carrying a NUL character are refused at the door.

PostgreSQL text cannot hold NUL: a search box or a raw parameter that reaches a query with one
raises a database error (a 500). Django's form fields refuse NUL themselves, but parameters read
directly (search boxes, filters, codes) would not; one check here covers every page and the API.
"""

from __future__ import annotations

from django.apps import apps
from django.http import HttpResponseBadRequest

MESSAGE = "请求包含无效字符（空字符），请检查后重试。"


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists())


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        posted = request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        if "\x00" in request.path or _has_nul(request.GET) or (posted and _has_nul(request.POST)):
            if apps.is_installed("qinglian.core"):
                from qinglian.core.views import bad_request

                return bad_request(request)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
