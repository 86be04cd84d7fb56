"""The public pages (no login): report form, receipt, follow-up by receipt code, and the core's
exchange endpoints on a split front. Nothing about the visitor is stored or logged; rate limits
are hashed cache counters (abuse.py)."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.front import abuse, codes, filecheck, services, sync
from qinglian.front.forms import CodeForm, ReplyForm, ReportForm
from qinglian.front.models import FrontUnit

log = logging.getLogger(__name__)
HOUR = 3600
TEN_MINUTES = 600
LOOKUP_GLOBAL_LIMIT = 2000  # failed lookups per 10 minutes from everyone together


def _private(response):
    """Pages showing a code or a reporter's messages: never cached, never referred."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, max-age=0"
    response["Referrer-Policy"] = "same-origin"  # (no-referrer would make form posts Origin: null)
    return response


def _limited(request, message: str):
    return _private(
        render(request, "front/limited.html", {"title": "请稍后再试", "message": message}, status=429)
    )


def _files(request, errors: list[str]):
    uploaded = request.FILES.getlist("files")
    limit = filecheck.max_file_bytes()
    if len(uploaded) > filecheck.max_files():
        errors.append(f"最多上传 {filecheck.max_files()} 个附件")
        return []
    checked = []
    for f in uploaded:
        if f.size > limit:
            errors.append(
                f"附件“{filecheck.clean_name(f.name)}”超过 {limit // (1024 * 1024)} MB，请压缩或分开提交"
            )
            continue
        try:
            checked.append(filecheck.check_file(f.name or "", f.read(), ""))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return checked


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > filecheck.max_files() * filecheck.max_file_bytes() + 1024 * 1024


def _base_context(form, question, token):
    form.initial["challenge_token"] = token
    return {"form": form, "question": question, "accept": filecheck.ACCEPT,
            "max_files": filecheck.max_files(), "max_mb": filecheck.max_file_bytes() // (1024 * 1024)}  # fmt: skip


UNIT_CODE = re.compile(r"[0-9a-z]{1,32}")  # the opaque unit codes of the posters


@require_http_methods(["GET", "POST"])
def report(request):
    """举报 — the public report form; on success the receipt with the code (shown once)."""
    preselected = None
    code = request.GET.get("u") or request.POST.get("u")
    if isinstance(code, str) and UNIT_CODE.fullmatch(code):  # anything else (NUL bytes…) is ignored
        preselected = FrontUnit.objects.filter(code=code).first()
    if request.method == "POST":
        if not abuse.hit(request, "submit", limit=settings.QINGLIAN_PUBLIC_SUBMIT_LIMIT, window=HOUR):
            return _limited(request, "提交过于频繁，请一小时后再试。")
        if _too_big(request):
            return _limited(request, "提交的内容过大，请减少或压缩附件后重试。")
        form = ReportForm(request.POST, preselected=preselected)
        file_errors: list[str] = []
        files = _files(request, file_errors)
        valid = form.is_valid()
        challenge_error = abuse.challenge_check(
            request.POST.get("challenge_token"), request.POST.get("challenge")
        )
        if challenge_error and "challenge" not in form.errors:
            form.add_error("challenge", challenge_error)
            valid = False
        if valid and not file_errors:
            receipt, _ = services.submission_create(report=form.report(), files=files)
            return _private(render(request, "front/receipt.html", {
                "title": "提交成功", "code": codes.display(receipt), "files": len(files)}))  # fmt: skip
        question, token = abuse.challenge_new()
        form = ReportForm(request.POST, preselected=preselected)
        form.is_valid()
        if challenge_error:
            form.add_error("challenge", challenge_error)
        data = form.data.copy()
        data["challenge"], data["challenge_token"] = "", token
        form.data = data
        ctx = _base_context(form, question, token) | {"file_errors": file_errors, "preselected": preselected}
        return _private(render(request, "front/report.html", {"title": "网上举报", **ctx}, status=200))
    question, token = abuse.challenge_new()
    form = ReportForm(preselected=preselected)
    ctx = _base_context(form, question, token) | {"preselected": preselected}
    return _private(render(request, "front/report.html", {"title": "网上举报", **ctx}))


def _lookup(request, code_text):
    """The submission for a typed code, or (None, message). Failures are counted per visitor and
    overall; a wrong, expired or malformed code all answer the same."""
    limit = settings.QINGLIAN_PUBLIC_LOOKUP_LIMIT
    if abuse.exceeded(request, "lookup-fail", limit=limit, window=TEN_MINUTES) or abuse.exceeded(
        None, "lookup-fail-all", limit=LOOKUP_GLOBAL_LIMIT, window=TEN_MINUTES
    ):
        return None, None, "查询过于频繁，请十分钟后再试。"
    code = codes.normalise(code_text)
    sub = services.submission_find(code) if code else None
    if sub is None:
        abuse.hit(request, "lookup-fail", limit=limit, window=TEN_MINUTES)
        abuse.hit(None, "lookup-fail-all", limit=LOOKUP_GLOBAL_LIMIT, window=TEN_MINUTES)
        return None, None, "查询码不正确或已失效。请核对后重新输入（不区分大小写，可不输横线）。"
    return sub, code, None


@require_http_methods(["GET", "POST"])
def follow(request):
    """查询 — enter the receipt code (by POST, never in the address) to see the status and messages,
    and to answer or add evidence."""
    if request.method == "GET":
        return _private(render(request, "front/follow.html", {"title": "查询办理情况", "form": CodeForm()}))
    replying = request.POST.get("action") == "reply"
    form = (ReplyForm if replying else CodeForm)(request.POST)
    if not form.is_valid() and "code" in form.errors:
        return _private(
            render(request, "front/follow.html", {"title": "查询办理情况", "form": CodeForm(request.POST)})
        )
    sub, code, error = _lookup(request, form.cleaned_data.get("code") or request.POST.get("code"))
    if error:
        limited = "频繁" in error
        ctx = {"title": "查询办理情况", "form": CodeForm(), "error": error, "limited": limited}
        return _private(render(request, "front/follow.html", ctx, status=429 if limited else 200))
    reply_form, file_errors, sent = ReplyForm(initial={"code": code}), [], False
    if replying:
        if _too_big(request):
            return _limited(request, "提交的内容过大，请减少或压缩附件后重试。")
        files = _files(request, file_errors)
        if form.is_valid() and not file_errors:
            if not abuse.hit(request, "reply", limit=settings.QINGLIAN_PUBLIC_SUBMIT_LIMIT * 3, window=HOUR):
                return _limited(request, "留言过于频繁，请一小时后再试。")
            services.message_create(submission=sub, code=code, body=form.cleaned_data["body"], files=files)
            sent = True
        else:
            reply_form = form
    if settings.MODE == "core":
        try:
            from qinglian.front.local import exchange_now

            exchange_now()
            sub.refresh_from_db()
        except Exception:  # the page still shows what the front has
            log.exception("local exchange failed")
    ctx = {"title": "办理情况", "view": services.follow_up(sub, code), "reply_form": reply_form,
           "code": code, "file_errors": file_errors, "sent": sent, "accept": filecheck.ACCEPT}  # fmt: skip
    return _private(render(request, "front/follow_result.html", ctx))


# --- split front: the core calls these (signed); the front never calls the core ----------------


@csrf_exempt
@require_POST
def sync_pull(request):
    from qinglian.front import keys

    try:
        sync.unpack(
            request.body, kind=sync.PULL, verify_key=keys.core_verify_key(), max_age=sync.PULL_MAX_AGE
        )
    except (sync.BundleError, ValueError):
        return HttpResponse("签名无效", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(sync.export_submissions(), content_type="application/octet-stream")


@csrf_exempt
@require_POST
def sync_push(request):
    try:
        counts = sync.apply_replies(request.body)
    except (sync.BundleError, ValueError, KeyError, TypeError):
        return HttpResponse("数据包无效", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(str(counts), content_type="text/plain; charset=utf-8")
