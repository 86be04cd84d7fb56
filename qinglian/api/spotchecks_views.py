"""`/api/v1/spot-checks/`: personal-matters checks — list and status, and starting a targeted check.

Staff tokens (declarations.check) see the checks of their scope, narrowed by the token's unit; a
cadre's own token (declarations.own) sees his own checks once they ask for an explanation. Only
states and findings go out here: the declaration details and the agencies' returns stay sealed.
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
from qinglian.api.scoping import api_units_q
from qinglian.people.models import Cadre
from qinglian.spotchecks.models import SpotCheck
from qinglian.spotchecks.services import targeted_check_request


class SpotCheckSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = SpotCheck
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "kind", "kind_label", "reason", "source",
                  "status", "status_label", "proposed", "explain_due", "result", "handling", "decider_name",
                  "decided_at", "entry", "created_at"]  # fmt: skip


class TargetedSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="api")


class _CheckOrOwn(BasePermission):
    def has_permission(self, request, view):
        u = request.user
        if not (u and u.is_authenticated):
            return False
        if view.action == "create":
            return has_capability(u, "declarations.check")
        return has_capability(u, "declarations.check") or has_capability(u, "declarations.own")


class SpotCheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SpotCheckSerializer
    permission_classes = [_CheckOrOwn]

    def get_queryset(self):
        checks = SpotCheck.objects.select_related("cadre", "unit")
        if has_capability(self.request.user, "declarations.check"):
            checks = checks.filter(api_units_q(self.request, "declarations.check", "unit__"))
        else:
            checks = checks.filter(cadre__user=self.request.user).exclude(
                status__in=[SpotCheck.Status.OPEN, SpotCheck.Status.CANCELLED]
            )
        status_filter = self.request.query_params.get("status")
        if status_filter in SpotCheck.Status.values:
            checks = checks.filter(status=status_filter)
        return checks.order_by("-created_at", "-id")

    @extend_schema(request=TargetedSerializer, responses={201: SpotCheckSerializer, 200: SpotCheckSerializer})
    def create(self, request, *args, **kwargs):
        data = TargetedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        cadre = (
            Cadre.objects.filter(pk=d["cadre"])
            .filter(api_units_q(request, "declarations.check", "unit__"))
            .first()
        )
        if cadre is None:
            raise ValidationError({"cadre": ["人员不存在或不在您的管理范围内"]})
        before = set(SpotCheck.objects.filter(cadre=cadre).values_list("pk", flat=True))
        try:
            check = targeted_check_request(actor=request.user, cadre=cadre, reason=d["reason"],
                                           source=d["source"] or "api", request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        code = status.HTTP_200_OK if check.pk in before else status.HTTP_201_CREATED
        return Response(SpotCheckSerializer(check).data, status=code)


def register(router) -> None:
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
