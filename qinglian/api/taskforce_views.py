"""`/api/v1/monthly-reports/` for the task force's member agencies (issue 9, items 5 and 9), and
`/api/v1/task-force-shared-items/`: what the sharing rules give the calling agency.

A token acts as its agency's integration account: it submits for its own agency only and reads
its own reports and items plus exactly the shared row types (taskforce.access). A report is
validated whole: one bad row or unknown ID number and nothing is written; the 400 body lists every
bad row with its reason in Chinese. ID numbers are never echoed; persons are shown masked.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.taskforce import access
from qinglian.taskforce.models import MonthlyReport, ReportItem
from qinglian.taskforce.services import MAX_ROWS, report_submit


class MonthlyReportSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    month = serializers.DateField(format="%Y-%m")

    class Meta:
        model = MonthlyReport
        fields = ["id", "agency", "agency_name", "month", "channel", "submitted_at", "deadline", "late", "rows",
                  "created", "unchanged", "counted"]  # fmt: skip


class RowSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=32, help_text="18位身份证号")
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    row_type = serializers.CharField(max_length=60, help_text="信息类型代码（见模板“填写说明”）")
    occurred_on = serializers.CharField(max_length=32, help_text="YYYY-MM-DD")
    summary = serializers.CharField(max_length=4000, allow_blank=True)
    source_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MonthlyReportWriteSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=7, help_text="YYYY-MM")
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=MAX_ROWS)


class _ViewOrReport(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        u = request.user
        if not (u and u.is_authenticated):
            return False
        if view.action == "create":
            return has_capability(u, "taskforce.report")
        return has_capability(u, "taskforce.view")


class MonthlyReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):  # fmt: skip
    serializer_class = MonthlyReportSerializer
    permission_classes = [_ViewOrReport]

    def get_queryset(self):
        return (MonthlyReport.objects.filter(access.visible_reports_q(self.request.user)).select_related("agency")
                .order_by("-submitted_at", "-id"))  # fmt: skip

    @extend_schema(request=MonthlyReportWriteSerializer, responses={201: MonthlyReportSerializer})
    def create(self, request, *args, **kwargs):
        agency = access.agency_of(request.user)
        if agency is None:
            raise ApiPermissionDenied("该账号未关联专班成员单位")
        data = MonthlyReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows, problems = [], []
        for i, raw in enumerate(data.validated_data["rows"], start=1):
            row = RowSerializer(data=raw)
            if row.is_valid():
                rows.append((i, row.validated_data))
            else:  # the field names only: a bad ID number is never echoed back
                problems.extend({"row": i, "column": f, "value": "", "reason": "；".join(str(m) for m in msgs)}
                                for f, msgs in row.errors.items())  # fmt: skip
        if problems:
            return Response({"errors": {"rows": problems}, "detail": "月报表有错误行，整表未接收"},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        try:
            result = report_submit(actor=request.user, agency=agency, month=data.validated_data["month"], rows=rows,
                                   channel="api", request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        if not result.ok:
            return Response({"detail": f"月报表共 {result.total} 行，{len(result.errors)} 处错误，整表未接收，未写入任何记录",
                             "errors": {"rows": [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
                                                 for e in result.errors]}},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        return Response(MonthlyReportSerializer(result.report).data, status=status.HTTP_201_CREATED)


class SharedItemSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="report.agency.code")
    month = serializers.DateField(source="report.month", format="%Y-%m")
    row_type = serializers.CharField(source="row_type.code")
    person_name = serializers.CharField(source="person.name")
    person_id_masked = serializers.CharField(source="person.id_masked")
    occurred_on = serializers.DateField(source="entry.occurred_on")
    summary = serializers.CharField(source="entry.summary")
    review = serializers.CharField(source="entry.review")

    class Meta:
        model = ReportItem
        fields = ["id", "agency", "month", "row_type", "person_name", "person_id_masked", "occurred_on", "summary",
                  "review"]  # fmt: skip


class _AgencyOnly(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and has_capability(request.user, "taskforce.report")
        )


class SharedItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SharedItemSerializer
    permission_classes = [_AgencyOnly]

    def get_queryset(self):
        qs = (ReportItem.objects.filter(access.readable_items_q(self.request.user))
              .select_related("report__agency", "row_type", "person", "entry")
              .order_by("-report__month", "-report_id", "row_number"))  # fmt: skip
        code = self.request.query_params.get("row_type")
        return qs.filter(row_type__code=code) if code else qs

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_record(actor=request.user, action="taskforce.shared_read", request=request,
                     extra={"api": True, "row_type": request.query_params.get("row_type", "")})  # fmt: skip
        return response


def register(router) -> None:
    router.register("monthly-reports", MonthlyReportViewSet, basename="monthly-report")
    router.register("task-force-shared-items", SharedItemViewSet, basename="task-force-shared-item")
