"""`/api/v1/handovers/`: the departure database (离任信息数据库), read only.

Staff tokens see the cases of their `handovers.view` scope (narrowed by the token's unit). An audit
agency's token (task-force account: its SHARING scope gives it no unit subtree) sees only the
cases that name its own unit as the auditing body. Every read is audited.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.scoping import api_units_q
from qinglian.audit.services import audit_record
from qinglian.handovers import selectors
from qinglian.handovers.models import AuditFinding, HandoverCase, HandoverItem, HandoverPart


class _ItemSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = HandoverItem
        fields = [
            "position",
            "title",
            "guidance",
            "status",
            "status_label",
            "handed_over",
            "remark",
            "done_at",
        ]


class _PartSerializer(serializers.ModelSerializer):
    body_label = serializers.CharField(source="get_body_display")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = HandoverPart
        fields = ["body", "body_label", "unit", "unit_name", "person", "duty", "due_on", "done_on", "result"]


class _FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditFinding
        fields = [
            "id",
            "subject",
            "category",
            "description",
            "amount",
            "status",
            "decider_name",
            "decided_at",
        ]


class HandoverSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")
    reason_label = serializers.CharField(source="get_reason_display")
    checklist_version = serializers.IntegerField(source="checklist.number")
    audit = serializers.SerializerMethodField()

    class Meta:
        model = HandoverCase
        fields = ["id", "number", "departing", "departing_name", "departing_post", "unit", "unit_name", "successor",
                  "successor_name", "reason", "reason_label", "departed_on", "due_on", "checklist_version",
                  "audit_required", "status", "status_label", "signer_name", "signed_on", "closed_at", "audit"]  # fmt: skip

    def get_audit(self, case) -> dict | None:
        audit = getattr(case, "audit", None) if hasattr(case, "audit") else None
        if audit is None:
            return None
        return {"auditor_unit": audit.auditor_unit_id, "status": audit.status, "started_on": audit.started_on,
                "reported_on": audit.reported_on, "report_number": audit.report_number}  # fmt: skip


class HandoverDetailSerializer(HandoverSerializer):
    items = _ItemSerializer(many=True)
    parts = _PartSerializer(many=True)
    findings = _FindingSerializer(many=True)

    class Meta(HandoverSerializer.Meta):
        fields = HandoverSerializer.Meta.fields + ["items", "parts", "findings"]


class _ViewOrAgency(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        u = request.user
        return bool(u and u.is_authenticated) and (
            has_capability(u, "handovers.view") or has_capability(u, "handovers.record")
        )


class HandoverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HandoverSerializer
    permission_classes = [_ViewOrAgency]

    def _units_q(self):
        user = self.request.user
        q = (
            api_units_q(self.request, "handovers.view", "unit__")
            if has_capability(user, "handovers.view")
            else Q(pk__in=[])
        )
        return q | Q(pk__in=selectors.agency_cases(viewer=user).values("pk"))

    def get_queryset(self):
        p = self.request.query_params
        filters = {k: p.get(k, "") for k in ("q", "status", "reason", "year", "findings")}
        return selectors.case_list(
            viewer=self.request.user, filters=filters, units_q=self._units_q()
        ).select_related("audit")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="姓名、单位、职务或编号"),
            OpenApiParameter("status", str, description="open / signed / closed"),
            OpenApiParameter("year", int, description="离任年度"),
            OpenApiParameter("findings", str, description="yes：有审计发现问题；confirmed：有已认定的"),
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_record(actor=request.user, action="handovers.case_list", request=request, extra={"via": "api"})
        return self.get_paginated_response(HandoverSerializer(page, many=True).data)

    @extend_schema(responses=HandoverDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        case = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() else None
        if case is None:
            raise Http404
        audit_record(actor=request.user, action="handovers.case_view", obj=case, person_id=case.departing_id,
                     unit_id=case.unit_id, request=request, extra={"via": "api"})  # fmt: skip
        return Response(HandoverDetailSerializer(case).data)


def register(router) -> None:
    router.register("handovers", HandoverViewSet, basename="handover")
