from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.api.serializers import UnitSerializer
from qinglian.people.models import Unit


@extend_schema(
    tags=["units"],
    parameters=[
        OpenApiParameter("q", str, description="名称或代码包含"),
        OpenApiParameter("kind", str, description="单位类型"),
        OpenApiParameter("parent", int, description="上级单位编号"),
    ],
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units within the caller's scope (read only)."""

    serializer_class = UnitSerializer
    permission_classes = [capability("units.view")]

    def get_queryset(self):
        units = Unit.objects.filter(api_units_q(self.request, "units.view")).order_by("path")
        params = self.request.query_params
        if q := params.get("q"):
            units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
        if kind := params.get("kind"):
            units = units.filter(kind=kind)
        if parent := params.get("parent"):
            if not parent.isdigit():
                raise Http404
            units = units.filter(parent_id=int(parent))
        return units
