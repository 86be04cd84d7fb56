"""`/api/v1/family-events/`: family-event pre-reports (婚丧喜庆事宜报备).

A cadre's own token (cadre_self) lists and files his own reports; staff roles with conduct.view list
the reports of their scope (narrowed by the token's unit). Filing goes through the same service as
the self-service page: checked against the caps in the rule registry and recorded on the file.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.audit.services import audit_record
from qinglian.conduct import selectors, services
from qinglian.conduct.forms import FamilyEventForm
from qinglian.conduct.models import FamilyEvent


class FamilyEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    payer_label = serializers.CharField(source="get_payer_display")
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    within_caps = serializers.BooleanField()

    class Meta:
        model = FamilyEvent
        fields = ["id", "cadre", "cadre_name", "unit", "unit_name", "kind", "kind_label", "subject", "event_date",
                  "venue", "tables", "guests", "cars", "payer", "payer_label", "payer_note", "within_caps",
                  "breaches", "rule_basis", "filed_at"]  # fmt: skip


class FamilyEventWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FamilyEvent.Kind.choices)
    subject = serializers.CharField(max_length=100)
    event_date = serializers.DateField()
    venue = serializers.CharField(max_length=200)
    tables = serializers.IntegerField(min_value=0, max_value=100000)
    guests = serializers.IntegerField(min_value=0, max_value=100000)
    cars = serializers.IntegerField(min_value=0, max_value=100000)
    payer = serializers.ChoiceField(choices=FamilyEvent.Payer.choices)
    payer_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class _ViewOrOwn(capability("conduct.view")):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            has_capability(user, "conduct.view") or has_capability(user, "conduct.own")
        )


class FamilyEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):  # fmt: skip
    """The caller's own reports (cadre_self), or those in the caller's scope (conduct.view)."""

    serializer_class = FamilyEventSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        return [capability("conduct.own")()] if self.action == "create" else [_ViewOrOwn()]

    def get_serializer_class(self):
        return FamilyEventWriteSerializer if self.action == "create" else FamilyEventSerializer

    def get_queryset(self):
        user = self.request.user
        q = Q(pk__in=[])
        if has_capability(user, "conduct.view"):
            q |= api_units_q(self.request, "conduct.view", "unit__")
        if has_capability(user, "conduct.own"):
            q |= Q(cadre__user=user)
        return selectors.family_event_list(viewer=user, units_q=q)

    @extend_schema(parameters=[OpenApiParameter("flagged", bool, description="只列出超出规定的报备")])
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if request.query_params.get("flagged") in ("1", "true"):
            queryset = queryset.filter(flagged=True)
        page = self.paginate_queryset(queryset)
        audit_record(
            actor=request.user, action="conduct.family_event_list", request=request, extra={"via": "api"}
        )
        return self.get_paginated_response(FamilyEventSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        pk = kwargs.get("pk", "")
        event = self.get_queryset().filter(pk=int(pk)).first() if str(pk).isdigit() else None
        if event is None:
            raise Http404
        audit_record(actor=request.user, action="conduct.family_event_view", obj=event, person_id=event.cadre_id,
                     unit_id=event.unit_id, request=request, extra={"via": "api"})  # fmt: skip
        return Response(FamilyEventSerializer(event).data)

    @extend_schema(request=FamilyEventWriteSerializer, responses=FamilyEventSerializer)
    def create(self, request, *args, **kwargs):
        payload = FamilyEventWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # The page's form: the same limits and messages as the self-service page.
        form = FamilyEventForm(data={k: str(v) for k, v in payload.validated_data.items()})
        if not form.is_valid():
            return Response({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
        event = services.family_event_file(user=request.user, request=request, **form.cleaned_data)
        return Response(FamilyEventSerializer(event).data, status=status.HTTP_201_CREATED)
