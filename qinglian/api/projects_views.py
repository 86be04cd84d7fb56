"""`/api/v1/projects/` (read): special supervision projects with their items' status and the figures
(issue 9, item 9).

Scoped like the pages: `projects.view` over the organising unit gives the whole project; a unit
with `projects.report` (a township commission, a stationed group, a task-force agency) gets the
projects it has items in, with only its own items. The figures count verified items only, and for
a unit-only reader only its own verified items.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, Q
from rest_framework import serializers, viewsets

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.projects.access import own_units_q
from qinglian.projects.models import DispatchItem, Project


class ItemSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = DispatchItem
        fields = ["id", "number", "unit", "unit_name", "team", "matter", "deadline", "status", "status_label",
                  "times_returned", "reported_at", "verified_at", "problems_found", "problems_rectified",
                  "money_recovered", "people_handled"]  # fmt: skip


class ProjectSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    owner_unit_name = serializers.CharField(source="owner_unit.name")
    items = ItemSerializer(source="visible_items", many=True)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "kind", "kind_label", "field", "title", "scope_text", "targets", "period_start", "period_end",
                  "owner_unit", "owner_unit_name", "status", "status_label", "items", "figures"]  # fmt: skip

    def get_figures(self, project) -> dict:
        verified = [i for i in project.visible_items if i.status == DispatchItem.Status.VERIFIED]
        return {
            "items": len(project.visible_items),
            "verified": len(verified),
            "problems_found": sum(i.problems_found for i in verified),
            "problems_rectified": sum(i.problems_rectified for i in verified),
            "money_recovered": str(sum((i.money_recovered for i in verified), Decimal("0.00"))),
            "people_handled": sum(i.people_handled for i in verified),
        }


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [capability("projects.view")]

    def get_queryset(self):
        request = self.request
        oversee = api_units_q(request, "projects.view", "owner_unit__")
        token = getattr(request, "auth", None)
        own = own_units_q(request.user, "unit__")
        if token is not None and getattr(token, "unit_id", None):
            own &= Q(unit__path__startswith=token.unit.path)
        overseen_ids = Project.objects.filter(oversee).values("pk")
        items = (
            DispatchItem.objects.filter(Q(project__in=overseen_ids) | own)
            .select_related("unit")
            .order_by("number")
        )
        return (
            Project.objects.filter(
                Q(pk__in=overseen_ids) | Q(pk__in=DispatchItem.objects.filter(own).values("project"))
            )
            .select_related("owner_unit")
            .prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
            .order_by("-created_at", "-id")
        )


def register(router) -> None:
    router.register("projects", ProjectViewSet, basename="project")
