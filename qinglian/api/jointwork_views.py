"""`/api/v1/meetings/` (read; issue 9, item 9): the task force's meetings with their decisions and
the status of every assigned task.

Scoped like the pages: `jointwork.view` over the convening unit (narrowed by a token bound to a
unit), or a member agency that attended. Cases discussed are not part of the API (they may link
sealed clues); neither are joint reviews (personnel decisions).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import mixins, serializers, viewsets

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.jointwork.access import meetings_q
from qinglian.jointwork.models import Assignment, Decision, Meeting
from qinglian.jointwork.selectors import STATUS_LABELS, assignment_status


class MeetingAssignmentSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(source="workitem.completed_at", allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "title", "owner", "due_date", "status", "status_label", "completed_at"]

    def get_owner(self, a) -> str:
        return a.owner_unit.name if a.owner_unit_id else str(a.owner_user)

    def get_status(self, a) -> str:
        return assignment_status(a, self.context["today"])

    def get_status_label(self, a) -> str:
        return STATUS_LABELS[assignment_status(a, self.context["today"])]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    assignments = MeetingAssignmentSerializer(many=True)

    class Meta:
        model = Decision
        fields = ["id", "text", "recorded_at", "assignments"]


class MeetingSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    unit_name = serializers.CharField(source="unit.name")
    agencies = serializers.SerializerMethodField()
    decisions = MeetingDecisionSerializer(many=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_label", "title", "unit", "unit_name", "held_on", "place", "convener_name",
                  "agencies", "decisions"]  # fmt: skip

    def get_agencies(self, m) -> list[str]:
        return [a.name for a in m.agencies.all()]


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    permission_classes = [capability("jointwork.view")]

    def get_queryset(self):
        q = meetings_q(self.request.user, api_units_q(self.request, "jointwork.view", "unit__"))
        assignments = Assignment.objects.select_related("owner_unit", "owner_user", "workitem").order_by("id")
        return (
            Meeting.objects.filter(q)
            .select_related("unit")
            .prefetch_related(
                "agencies",
                Prefetch("decisions", queryset=Decision.objects.order_by("id").prefetch_related(
                    Prefetch("assignments", queryset=assignments))),
            )
            .order_by("-held_on", "-id")
        )  # fmt: skip

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
