"""`/api/v1/matches/` (issue 10, item 4): links and hits of the cross-matching, scoped.

`matches/hits/` — hits as warnings (rule, cadre, explanation, evidence chain with its sources,
status), in the caller's `matching.view` scope (the declarations rule's hits also need
`declarations.check`). `matches/links/` — the current run's links in scope;
`POST matches/links/{id}/decision/` records a reviewer's confirm or reject (`matching.review`),
remembered for every later run.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.scoping import api_units_q
from qinglian.audit.services import audit_record
from qinglian.matching import rules as R
from qinglian.matching.access import current_run_id
from qinglian.matching.models import Hit, LinkDecision, PersonLink
from qinglian.matching.services import link_decide


class HitSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Hit
        fields = ["id", "rule", "key", "cadre", "cadre_name", "unit", "unit_name", "explanation", "evidence", "params",
                  "first_run", "last_run", "raised_at", "status", "status_label", "status_changed_at", "status_note",
                  "entry"]  # fmt: skip


class LinkSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    relative_name = serializers.CharField(source="relative.name", default=None)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = PersonLink
        fields = ["id", "run", "subject", "cadre", "cadre_name", "relative", "relative_name", "unit",
                  "registry_person_id", "score", "method", "evidence", "status", "status_label"]  # fmt: skip


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LinkDecision.Decision.choices)
    reason = serializers.CharField(max_length=2000)


class _CanView(BasePermission):
    message = "您的角色无权调用此接口"

    def has_permission(self, request, view):
        u = request.user
        if not (u and u.is_authenticated):
            return False
        if getattr(view, "action", None) == "decision":
            return has_capability(u, "matching.review")
        return has_capability(u, "matching.view")


class MatchHitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HitSerializer
    permission_classes = [_CanView]

    def get_queryset(self):
        q = api_units_q(self.request, "matching.view", "unit__")
        if not has_capability(self.request.user, "declarations.check"):
            q &= ~Q(rule=R.UNDECLARED)
        rows = Hit.objects.filter(q).select_related("cadre", "unit")
        status = self.request.query_params.get("status")
        if status in Hit.Status.values:
            rows = rows.filter(status=status)
        rule = self.request.query_params.get("rule")
        if rule in R.RULE_CODES:
            rows = rows.filter(rule=rule)
        return rows.order_by("-raised_at", "-id")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_record(actor=request.user, action="matching.api_hits", request=request,
                     extra={"params": dict(request.query_params.items())})  # fmt: skip
        return response

    def retrieve(self, request, *args, **kwargs):
        hit = self.get_object()
        audit_record(actor=request.user, action="matching.hit_view", obj=hit, person_id=hit.cadre_id,
                     unit_id=hit.unit_id, request=request)  # fmt: skip
        return Response(HitSerializer(hit).data)


class MatchLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = LinkSerializer
    permission_classes = [_CanView]

    def get_queryset(self):
        capability = "matching.review" if getattr(self, "action", None) == "decision" else "matching.view"
        rows = PersonLink.objects.filter(
            api_units_q(self.request, capability, "unit__"), run_id=current_run_id() or 0
        )
        status = self.request.query_params.get("status")
        if status in PersonLink.Status.values:
            rows = rows.filter(status=status)
        return rows.select_related("cadre", "relative").order_by("cadre_id", "-score", "id")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_record(actor=request.user, action="matching.api_links", request=request,
                     extra={"params": dict(request.query_params.items())})  # fmt: skip
        return response

    def retrieve(self, request, *args, **kwargs):
        link = self.get_object()
        audit_record(actor=request.user, action="matching.link_view", obj=link, person_id=link.cadre_id,
                     unit_id=link.unit_id, request=request, extra={"via": "api"})  # fmt: skip
        return Response(LinkSerializer(link).data)

    @extend_schema(request=DecisionSerializer, responses={200: LinkSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        link = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            link_decide(actor=request.user, link=link, decision=data.validated_data["decision"],
                        reason=data.validated_data["reason"], request=request)  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        link.refresh_from_db()
        return Response(LinkSerializer(link).data)


def register(router) -> None:
    router.register("matches/hits", MatchHitViewSet, basename="match-hits")
    router.register("matches/links", MatchLinkViewSet, basename="match-links")
