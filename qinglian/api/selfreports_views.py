"""`/api/v1/selfreport-pairs/`: the copied pairs detection runs found (read only).

A pair is listed when both its reports lie in the token's scope for `inspections.reports` (a pair
shows both texts' owners); a pair becomes a finding only through the page, by an inspector.
"""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.selfreports.models import CopyPair, SelfReport


class _ReportSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = SelfReport
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "year", "kind", "kind_label", "filename"]


class CopyPairSerializer(serializers.ModelSerializer):
    report_a = _ReportSerializer()
    report_b = _ReportSerializer()

    class Meta:
        model = CopyPair
        fields = [
            "id",
            "run",
            "report_a",
            "report_b",
            "same_person",
            "jaccard",
            "share_a",
            "share_b",
            "finding",
        ]


class CopyPairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CopyPairSerializer
    permission_classes = [capability("inspections.reports")]

    def get_queryset(self):
        cap = "inspections.reports"
        qs = (
            CopyPair.objects.filter(api_units_q(self.request, cap, "report_a__unit__"))
            .filter(api_units_q(self.request, cap, "report_b__unit__"))
            .select_related("report_a__cadre", "report_a__unit", "report_b__cadre", "report_b__unit")
            .defer("report_a__text", "report_b__text")
        )
        run = self.request.query_params.get("run", "")
        if run.isdigit():
            qs = qs.filter(run_id=int(run))
        return qs.order_by("-run_id", "-jaccard", "id")


def register(router) -> None:
    router.register("selfreport-pairs", CopyPairViewSet, basename="selfreport-pair")
