"""`/api/v1/opinion-requests/`: ask for integrity opinions (廉洁意见) and read the answers.

POST takes `purpose`, `as_of`, `candidates` (cadre ids or ID numbers; ID numbers are matched by
keyed hash and never echoed: `given_as` is masked) and an optional `title`. GET returns, per
candidate, the cadre id, `verdict` (clear / postpone / object / not_found) and its reasons. The
requester reads the verdicts once the commission has issued them, with pending matters only as
“有待核实事项”; the commission's own users also see the draft and the internal reasons.
"""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.archive.models import OpinionRequest
from qinglian.archive.opinions import (
    is_commission,
    opinion_request_create,
    opinion_requests_q,
    public_reasons,
)
from qinglian.people.models import Unit


class OpinionRequestWriteSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=OpinionRequest.Purpose.choices,
        help_text="promotion 提拔任用 / heavier_use 进一步使用 / awards 评优评先 / rank 职级晋升 / "
        "reserve 后备干部 / nomination 代表委员推荐",
        error_messages={"invalid_choice": "用途“{input}”无效", "required": "请填写用途（purpose）"},
    )
    as_of = serializers.DateField(
        help_text="基准日期 YYYY-MM-DD",
        error_messages={"invalid": "基准日期格式应为 YYYY-MM-DD", "required": "请填写基准日期（as_of）"},
    )
    title = serializers.CharField(max_length=200, required=False, default="廉洁意见征求（接口提交）")
    candidates = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        max_length=500,
        help_text="干部编号或身份证号（每项一个）",
        error_messages={"empty": "请至少提供一名候选人", "required": "请填写候选人（candidates）"},
    )
    requesting_unit = serializers.CharField(
        max_length=32, required=False, help_text="征求单位代码（默认：令牌或账号所属单位）"
    )


class OpinionCandidateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    cadre_id = serializers.IntegerField(allow_null=True)
    given_as = serializers.CharField(help_text="提交的信息（身份证号已脱敏）")
    verdict = serializers.CharField(allow_null=True, help_text="签发前对征求单位为空")
    reasons = serializers.ListField(child=serializers.CharField())
    dissent = serializers.CharField(allow_blank=True)
    draft_verdict = serializers.CharField(required=False, help_text="系统初判（仅纪委监委可见）")


class OpinionRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    purpose = serializers.CharField()
    as_of = serializers.DateField()
    status = serializers.CharField()
    requesting_unit = serializers.IntegerField(source="requesting_unit_id")
    drafted_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField(allow_null=True)
    approver_name = serializers.CharField(allow_blank=True)
    candidates = OpinionCandidateSerializer(many=True)


def _represent(req: OpinionRequest, user) -> dict:
    commission = is_commission(user, req)
    issued = req.status == OpinionRequest.Status.ISSUED
    rows = []
    for c in req.candidates.all():
        row = {"position": c.position, "cadre_id": c.cadre_id, "given_as": c.given_as, "dissent": "",
               "verdict": None, "reasons": []}  # fmt: skip
        if commission:
            row.update(verdict=c.verdict, reasons=[r.get("text", "") for r in c.reasons], dissent=c.dissent,
                       draft_verdict=c.draft_verdict)  # fmt: skip
        elif issued:
            row.update(verdict=c.verdict, reasons=public_reasons(c.reasons), dissent=c.dissent)
        rows.append(row)
    return {
        "id": req.pk, "title": req.title, "purpose": req.purpose, "as_of": req.as_of.isoformat(),
        "status": req.status, "requesting_unit": req.requesting_unit_id,
        "drafted_at": req.drafted_at.isoformat(), "issued_at": req.issued_at.isoformat() if req.issued_at else None,
        "approver_name": req.approver_name, "candidates": rows,
    }  # fmt: skip


class OpinionRequestViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):  # fmt: skip
    """Integrity opinion requests within the caller's scope."""

    serializer_class = OpinionRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        caps = ("archive.opinion_request",) if self.action == "create" else ("archive.opinions",)
        return [capability(*caps)()]

    def get_queryset(self):
        qs = OpinionRequest.objects.filter(opinion_requests_q(self.request.user)).select_related(
            "requesting_unit"
        )
        token = getattr(self.request, "auth", None)
        if token is not None and getattr(token, "unit_id", None):
            qs = qs.filter(requesting_unit__path__startswith=token.unit.path)
        return qs.prefetch_related("candidates").order_by("-drafted_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_represent(r, request.user) for r in page])

    def retrieve(self, request, *args, **kwargs):
        return Response(_represent(self.get_object(), request.user))

    def _requesting_unit(self, request, code: str | None) -> Unit | None:
        allowed = Unit.objects.filter(api_units_q(request, "archive.opinion_request"))
        if code:
            unit = allowed.filter(code=code).first()
            if unit is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"requesting_unit": ["单位代码不存在或不在您的权限范围内"]})
            return unit
        token = getattr(request, "auth", None)
        for unit_id in (getattr(token, "unit_id", None), request.user.unit_id):
            if unit_id and (unit := allowed.filter(pk=unit_id).first()):
                return unit
        return allowed.order_by("depth", "path").first()

    @extend_schema(request=OpinionRequestWriteSerializer, responses={201: OpinionRequestSerializer})
    def create(self, request, *args, **kwargs):
        payload = OpinionRequestWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        req = opinion_request_create(
            actor=request.user,
            purpose=data["purpose"],
            as_of=data["as_of"],
            title=data["title"],
            candidates=list(data["candidates"]),
            requesting_unit=self._requesting_unit(request, data.get("requesting_unit")),
            request=request,
            within=Q(api_units_q(request, "archive.opinion_request", "unit__")),
        )
        req = self.get_queryset().get(pk=req.pk)
        return Response(_represent(req, request.user), status=status.HTTP_201_CREATED)
