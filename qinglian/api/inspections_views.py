"""REST endpoints of the inspections app, registered on the API router by `register`.

`/api/v1/inspection-rounds/` (read: rounds whose organiser or targets are in scope),
`/api/v1/findings/` (read: findings about units in scope), `/api/v1/rectifications/` (read; the
owning unit updates its plan with PATCH and passes a gate with POST .../gates/ — the same services
as the pages, so acceptance stays with the inspection office).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.inspections import rectification as rect_services
from qinglian.inspections.models import Finding, Gate, Rectification, Round, RoundTarget


def _django_errors(exc):
    if isinstance(exc, PermissionDenied):
        return ApiPermissionDenied(str(exc))
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class RoundSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    organiser_name = serializers.CharField(source="organiser.name")
    n_targets = serializers.IntegerField()

    class Meta:
        model = Round
        fields = ["id", "title", "number", "kind", "kind_label", "organiser", "organiser_name", "start_date",
                  "end_date", "feedback_date", "status", "status_label", "n_targets"]  # fmt: skip


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    permission_classes = [capability("inspections.view")]

    def get_queryset(self):
        q = api_units_q(self.request, "inspections.view", "organiser__")
        targets = RoundTarget.objects.filter(api_units_q(self.request, "inspections.view", "unit__")).values(
            "round"
        )
        return (
            Round.objects.filter(q | Q(pk__in=targets)).select_related("organiser")
            .annotate(n_targets=Count("targets", distinct=True)).order_by("-start_date", "-id")
        )  # fmt: skip


class FindingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    indicator_code = serializers.CharField(source="indicator.code", default=None)
    status_label = serializers.CharField(source="get_status_display")
    handed_over = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "round", "unit", "unit_name", "indicator_code", "text", "source", "status", "status_label",
                  "handed_over", "recorded_at"]  # fmt: skip

    def get_handed_over(self, f) -> bool:
        # The person concerned and the clue live in intake (sealed); the API says only that it went there.
        return bool(f.clue_id or f.report_id)


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FindingSerializer
    permission_classes = [capability("inspections.view")]

    def get_queryset(self):
        return (
            Finding.objects.filter(api_units_q(self.request, "inspections.view", "unit__"))
            .select_related("unit", "indicator").order_by("-recorded_at", "-id")
        )  # fmt: skip


class GateSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Gate.choices)
    evidence = serializers.CharField(max_length=5000)


class RectificationSerializer(serializers.ModelSerializer):
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    gates = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = ["id", "round", "owner_unit", "owner_unit_name", "problem", "plan", "category", "category_label",
                  "deadline", "status", "status_label", "gates"]  # fmt: skip
        read_only_fields = [f for f in fields if f != "plan"]

    def get_gates(self, r) -> list[dict]:
        return [{"gate": g.gate, "passed_at": g.passed_at, "evidence": g.evidence} for g in r.gates.all()]


class RectificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = RectificationSerializer
    permission_classes = [capability("inspections.rectify")]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return (
            Rectification.objects.filter(api_units_q(self.request, "inspections.rectify", "owner_unit__"))
            .select_related("owner_unit").prefetch_related("gates").order_by("deadline", "pk")
        )  # fmt: skip

    def partial_update(self, request, *args, **kwargs):
        rect = self.get_object()
        data = RectificationSerializer(rect, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "plan" not in data.validated_data:
            raise ValidationError({"plan": ["只能修改整改措施"]})
        try:
            rect = rect_services.rectification_plan(actor=request.user, rectification=rect,
                                                    plan=data.validated_data["plan"], request=request)  # fmt: skip
        except (DjangoValidationError, PermissionDenied) as exc:
            raise _django_errors(exc) from None
        return Response(RectificationSerializer(self.get_queryset().get(pk=rect.pk)).data)

    @extend_schema(request=GateSerializer, responses={200: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def gates(self, request, pk=None):
        rect = self.get_object()
        data = GateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rect_services.gate_pass(
                actor=request.user, rectification=rect, request=request, **data.validated_data
            )
        except (DjangoValidationError, PermissionDenied) as exc:
            raise _django_errors(exc) from None
        return Response(RectificationSerializer(self.get_queryset().get(pk=rect.pk)).data)


def register(router) -> None:
    router.register("inspection-rounds", RoundViewSet, basename="inspection-round")
    router.register("findings", FindingViewSet, basename="finding")
    router.register("rectifications", RectificationViewSet, basename="rectification")
