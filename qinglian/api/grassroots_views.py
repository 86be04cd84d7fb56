"""`/api/v1/integrity-information/` for liaison stations (issue 9, item 9).

A station's account (liaison_officer, anchored at its village) lists and submits the information of
its own village only; staff with `grassroots.view` list what their scope reaches. A submission goes
through the same service as the phone page: photos checked by content, metadata stripped.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.scoping import api_units_q
from qinglian.grassroots.models import Information, Station
from qinglian.grassroots.services import information_submit


class InformationSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name")
    category_label = serializers.CharField(source="get_category_display")
    status_label = serializers.CharField(source="get_status_display")
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Information
        fields = ["id", "station", "station_name", "category", "category_label", "title", "content", "occurred_on",
                  "subject_name", "submitted_at", "status", "status_label", "photos"]  # fmt: skip

    def get_photos(self, info) -> int:
        return len(info.photos.all())


class PhotoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    data = serializers.CharField(help_text="Base64 编码的 JPG/PNG 图片")


class InformationWriteSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Information.Category.choices)
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=5000)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    subject_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    photos = PhotoSerializer(many=True, required=False, default=list)


class _ViewOrSubmit(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        u = request.user
        if not (u and u.is_authenticated):
            return False
        if view.action == "create":
            return has_capability(u, "grassroots.submit")
        return has_capability(u, "grassroots.view") or has_capability(u, "grassroots.submit")


class IntegrityInformationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = InformationSerializer
    permission_classes = [_ViewOrSubmit]

    def get_queryset(self):
        q = api_units_q(self.request, "grassroots.view", "unit__") | api_units_q(
            self.request, "grassroots.submit", "unit__"
        )
        return (
            Information.objects.filter(q)
            .select_related("station")
            .prefetch_related("photos")
            .order_by("-submitted_at", "-id")
        )

    @extend_schema(request=InformationWriteSerializer, responses={201: InformationSerializer})
    def create(self, request, *args, **kwargs):
        data = InformationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        station = (
            Station.objects.filter(api_units_q(request, "grassroots.submit", "unit__"), pk=d["station"])
            .select_related("unit")
            .first()
        )
        if station is None:
            raise ValidationError({"station": ["联络站不存在或不是您所在的联络站"]})
        photos = []
        for i, p in enumerate(d["photos"], start=1):
            try:
                photos.append((p["name"], base64.b64decode(p["data"], validate=True), ""))
            except (binascii.Error, ValueError):
                raise ValidationError({"photos": [f"第{i}张照片不是有效的 Base64 数据"]}) from None
        try:
            info = information_submit(
                actor=request.user, station=station, category=d["category"], title=d["title"], content=d["content"],
                occurred_on=d["occurred_on"], subject_name=d["subject_name"], photos=photos, request=request,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        info = self.get_queryset().get(pk=info.pk)
        return Response(InformationSerializer(info).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("integrity-information", IntegrityInformationViewSet, basename="integrity-information")
