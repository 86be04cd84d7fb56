"""`/api/v1/registries/` (issue 10, item 4): external registries' sources and snapshots.

`registries/sources/` — the sources the caller may see (`matching.view` / `matching.manage`: all;
a task-force agency account with `matching.submit`: its own agency's). `POST
registries/sources/{id}/snapshots/` uploads a file (multipart: `file`, `data_date`) as a new
snapshot; the import runs in the background — poll `registries/snapshots/{id}/`.
`registries/snapshots/{id}/excluded/` lists the excluded rows (managers and the uploader).
Registry rows themselves are not served here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.audit.services import audit_record
from qinglian.registries.access import sources_q
from qinglian.registries.models import Snapshot, Source
from qinglian.registries.services import can_upload, snapshot_upload


class SnapshotSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField()

    class Meta:
        model = Snapshot
        fields = ["id", "source", "data_date", "status", "status_label", "file_format", "filename", "sha256",
                  "encoding", "total_rows", "done_rows", "percent", "imported_rows", "excluded_rows", "person_count",
                  "company_count", "record_count", "message", "created_at", "imported_at", "superseded_by"]  # fmt: skip


class SourceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    provider = serializers.CharField()
    can_upload = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "agency",
            "provider",
            "column_map",
            "is_active",
            "can_upload",
        ]

    def get_can_upload(self, source) -> bool:
        return can_upload(self.context["request"].user, source)


class UploadSerializer(serializers.Serializer):
    data_date = serializers.DateField()
    file = serializers.FileField()


class ExcludedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()


class _Registries(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        u = request.user
        return bool(u and u.is_authenticated and any(
            has_capability(u, c) for c in ("matching.view", "matching.manage", "matching.submit")))  # fmt: skip


class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SourceSerializer
    permission_classes = [_Registries]

    def get_queryset(self):
        q = sources_q(self.request.user)
        if q is None:
            return Source.objects.none()
        return Source.objects.filter(q).select_related("agency").order_by("kind", "name", "id")

    @extend_schema(request=UploadSerializer, responses={202: SnapshotSerializer})
    @action(detail=True, methods=["post"], url_path="snapshots", parser_classes=[MultiPartParser, FormParser])
    def upload(self, request, pk=None):
        source = self.get_object()
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data["file"]
        try:
            snap = snapshot_upload(actor=request.user, source=source, data_date=data.validated_data["data_date"],
                                   file=f, filename=f.name, request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        snap.refresh_from_db()
        return Response(SnapshotSerializer(snap).data, status=status.HTTP_202_ACCEPTED)


class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SnapshotSerializer
    permission_classes = [_Registries]

    def get_queryset(self):
        q = sources_q(self.request.user)
        if q is None:
            return Snapshot.objects.none()
        qs = Snapshot.objects.filter(source__in=Source.objects.filter(q)).order_by("-created_at", "-id")
        source = self.request.query_params.get("source")
        if source:
            if not source.isdigit():
                raise ValidationError({"source": ["数据源编号应为数字"]})
            qs = qs.filter(source_id=int(source))
        return qs

    @extend_schema(responses={200: ExcludedRowSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def excluded(self, request, pk=None):
        snap = self.get_object()
        if not (has_capability(request.user, "matching.manage") or snap.imported_by_id == request.user.pk):
            raise NotFound("没有排除行明细")
        audit_record(actor=request.user, action="registries.report_download", obj=snap, request=request,
                     extra={"via": "api"})  # fmt: skip
        return Response(ExcludedRowSerializer(snap.excluded, many=True).data)


def register(router) -> None:
    router.register("registries/sources", SourceViewSet, basename="registries-sources")
    router.register("registries/snapshots", SnapshotViewSet, basename="registries-snapshots")
