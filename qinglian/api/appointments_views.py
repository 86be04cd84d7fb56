"""`/api/v1/appointments/` (read): appointment cases of the caller's scope (narrowed by the token's
unit), with their stages and candidates; a case's detail adds each candidate's four checks (凡提四必)
and the reverse-accountability flags. Personal-matters details never appear: only the findings."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.appointments import selectors
from qinglian.appointments.models import AppointmentCase, Candidate, ReverseCheck, Stage
from qinglian.audit.services import audit_record


class StageSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Stage
        fields = ["kind", "kind_label", "status", "held_on", "ends_on", "decided_by", "participants", "result",
                  "closed_at"]  # fmt: skip


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="cadre.name")
    status_label = serializers.CharField(source="get_status_display")
    art24_flags = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = ["id", "cadre", "name", "status", "status_label", "art24_flags"]

    def get_art24_flags(self, c) -> list[str]:
        return [f["text"] for f in c.flags]


class CaseSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")
    stages = StageSerializer(many=True)
    candidates = CandidateSerializer(many=True)
    flagged = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentCase
        fields = ["id", "unit", "unit_name", "post_title", "post_level", "reason", "status", "status_label",
                  "created_at", "flagged", "stages", "candidates"]  # fmt: skip

    def get_flagged(self, case) -> bool:
        return case.flagged_at is not None


class CaseDetailSerializer(CaseSerializer):
    checks = serializers.SerializerMethodField()
    reverse_checks = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "checks", "reverse_checks"]

    def get_checks(self, case) -> dict:
        candidates = [c for c in case.candidates.all() if c.status in ("active", "appointed")]
        rows = selectors.opinion_rows_for(candidates)
        return {
            str(c.pk): [{"code": g.code, "label": g.label, "state": g.state, "detail": g.detail}
                        for g in selectors.candidate_gates(c, opinion_rows=rows)]
            for c in candidates
        }  # fmt: skip

    def get_reverse_checks(self, case) -> list[dict]:
        return [
            {
                "candidate": r.candidate_id,
                "entry": r.entry_id,
                "promoted_on": r.promoted_on,
                "decisions": r.decisions,
            }
            for r in ReverseCheck.objects.filter(case=case).order_by("pk")
        ]


class AppointmentCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [capability("appointments.view")]

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self):
        return (
            AppointmentCase.objects.filter(api_units_q(self.request, "appointments.view", "unit__"))
            .select_related("unit")
            .prefetch_related(
                Prefetch("stages", queryset=Stage.objects.order_by("position")),
                Prefetch("candidates", queryset=Candidate.objects.select_related("cadre", "opinion_request")
                         .order_by("pk")),
            )
            .order_by("-created_at", "-id")
        )  # fmt: skip

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        audit_record(actor=request.user, action="appointments.api_case_view", obj=case, unit_id=case.unit_id,
                     request=request)  # fmt: skip
        return Response(self.get_serializer(case).data)


def register(router) -> None:
    router.register("appointments", AppointmentCaseViewSet, basename="appointment")
