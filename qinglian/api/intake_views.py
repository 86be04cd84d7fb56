"""`POST /api/v1/reports/` (transfers from other agencies) and `GET /api/v1/clues/[{id}/]`.

A transfer comes from a member agency's integration account (capability `archive.submit_external`,
the same one its other submissions use): it creates a report in `received` for the named
commission, from the agency's unit, through `intake.services.report_create`; staff register it on
the desk. Nothing of the report is echoed back but its number and status.

Clues are listed for roles with `intake.view`, scoped (and narrowed by the token's unit), without
the clues a caller has recused himself from. Sealed fields (the summary, anything from the report's
content or the reporter) are never in a response: the serializer names its fields one by one.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.audit.services import audit_record
from qinglian.intake.forms import RECEIVING_KINDS
from qinglian.intake.models import Channel, Clue, ClueSubject, ProblemType, Recusal, Report
from qinglian.people.models import Unit

MAX_API_FILES = 5


class ReportTransferSerializer(serializers.Serializer):
    receiving_unit = serializers.CharField(max_length=32, help_text="受理的纪委监委（或乡镇纪委）的单位代码")
    source_reference = serializers.CharField(max_length=100, help_text="移送函文号")
    received_at = serializers.DateTimeField(required=False, help_text="本机关收到的时间，默认现在")
    nature = serializers.ChoiceField(choices=Report.Nature.choices, default=Report.Nature.ACCUSATION)
    problem_type = serializers.ChoiceField(choices=ProblemType.choices, default=ProblemType.OTHER)
    subject_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    subject_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    subject_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    facts = serializers.CharField(max_length=10_000, help_text="反映的主要问题")
    when = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    where = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                          write_only=True)  # fmt: skip
    reporter_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                          write_only=True)  # fmt: skip
    reporter_phone = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                           write_only=True)  # fmt: skip
    files = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)), required=False, default=list,
        max_length=MAX_API_FILES, help_text='附件：[{"name": "文件名", "data": "Base64 内容"}]',
    )  # fmt: skip


class ReportReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "number", "status", "channel", "received_at"]
        read_only_fields = fields


class ClueSubjectSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="cadre_id", allow_null=True)
    cadre_name = serializers.CharField(source="cadre.name", default=None)
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")


class ClueSerializer(serializers.ModelSerializer):
    """Named fields only: never `summary` (sealed) nor anything of the report's content."""

    status_label = serializers.CharField(source="get_status_display")
    source_label = serializers.CharField(source="get_source_display")
    problem_type_label = serializers.CharField(source="get_problem_type_display")
    unit_name = serializers.CharField(source="unit.name")
    owner_unit_name = serializers.CharField(source="owner_unit.name")
    report_number = serializers.CharField(source="report.number", default=None)
    subjects = ClueSubjectSerializer(many=True)

    class Meta:
        model = Clue
        fields = ["id", "number", "source", "source_label", "status", "status_label", "problem_type",
                  "problem_type_label", "unit", "unit_name", "owner_unit", "owner_unit_name", "assignee",
                  "report_number", "registered_at", "status_changed_at", "hold_review_on", "closed_at", "subjects"]  # fmt: skip
        read_only_fields = fields


def _files(items) -> list:
    from qinglian.intake.uploads import check_uploads

    raw = []
    for i, item in enumerate(items, start=1):
        try:
            data = base64.b64decode(item.get("data", ""), validate=True)
        except (binascii.Error, ValueError):
            raise DjangoValidationError({"files": [f"第{i}个附件的内容不是有效的 Base64"]}) from None
        raw.append((item.get("name", "") or f"附件{i}", data, ""))
    return check_uploads(raw)


class ReportTransferViewSet(viewsets.GenericViewSet):
    """Another agency transfers a report (其他机关移送): it waits in `received` for registration."""

    permission_classes = [capability("archive.submit_external")]
    serializer_class = ReportTransferSerializer
    queryset = Report.objects.none()

    @extend_schema(request=ReportTransferSerializer, responses={201: ReportReceiptSerializer})
    def create(self, request):
        from qinglian.intake.services import report_create

        payload = ReportTransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        unit = Unit.objects.filter(code=d["receiving_unit"], kind__in=RECEIVING_KINDS, is_active=True).first()
        if unit is None:
            raise DjangoValidationError({"receiving_unit": ["没有该纪检监察机关，请核对单位代码"]})
        agency = request.user.unit
        if agency is None:
            raise DjangoValidationError({"non_field_errors": ["接口账号未关联所属机关，请联系系统管理员"]})
        report = report_create(
            actor=None, channel=Channel.AGENCY, receiving_unit=unit, nature=d["nature"], problem_type=d["problem_type"],
            content={k: d[k] for k in ("subject_name", "subject_unit", "subject_post", "facts", "when", "where")},
            identity={"name": d["reporter_name"], "unit": d["reporter_unit"], "phone": d["reporter_phone"]},
            received_at=d.get("received_at"), files=_files(d["files"]), source_agency=agency,
            source_reference=d["source_reference"], request=request,
        )  # fmt: skip
        audit_record(actor=request.user, action="intake.report.transfer", obj=report, unit_id=unit.pk, request=request,
                     extra={"via": "api", "agency": agency.pk})  # fmt: skip
        return Response(ReportReceiptSerializer(report).data, status=status.HTTP_201_CREATED)


class ClueViewSet(viewsets.ReadOnlyModelViewSet):
    """Problem clues in the caller's scope, without any sealed field."""

    permission_classes = [capability("intake.view")]
    serializer_class = ClueSerializer

    def get_queryset(self):
        user = self.request.user
        return (
            Clue.objects.filter(api_units_q(self.request, "intake.view", "unit__"))
            .exclude(Exists(Recusal.objects.filter(clue=OuterRef("pk"), user=user)))
            .select_related("unit", "owner_unit", "report")
            .prefetch_related(
                Prefetch("subjects", ClueSubject.objects.select_related("cadre", "unit").order_by("id"))
            )
            .order_by("-registered_at", "-id")
        )

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if value := request.query_params.get("status"):
            if value not in Clue.Status.values:
                raise DjangoValidationError({"status": ["状态无效"]})
            queryset = queryset.filter(status=value)
        page = self.paginate_queryset(queryset)
        audit_record(actor=request.user, action="intake.clue.list", request=request, extra={"via": "api"})
        return self.get_paginated_response(ClueSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        pk = kwargs.get("pk", "")
        if not str(pk).isdigit():
            raise Http404
        clue = self.get_queryset().filter(pk=int(pk)).first()
        if clue is None:
            raise Http404
        audit_record(actor=request.user, action="intake.clue.view", obj=clue, unit_id=clue.unit_id, request=request,
                     extra={"via": "api"})  # fmt: skip
        return Response(ClueSerializer(clue).data)
