"""`/api/v1/declarations/`: personal-matters reports (个人有关事项报告).

A cadre's own token (cadre_self, declarations.own) lists, reads and files his or her own reports.
Staff with declarations.view list the submitted reports of their scope (narrowed by the token's
unit) without details; the items of a report (sealed) are returned only to the cadre and to staff
who also hold sealed.personal_matters over the cadre's unit (org_supervision), and every such read
is audited. Anyone else gets 404 for a report.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.audit.services import audit_record
from qinglian.declarations import services
from qinglian.declarations.access import staff_may_read_details
from qinglian.declarations.items import KIND_CHOICES
from qinglian.declarations.models import Declaration
from qinglian.declarations.selectors import declared_items


class DeclarationSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="cadre.unit.name")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Declaration
        fields = ["id", "cadre", "cadre_name", "unit_name", "kind", "kind_label", "year", "status", "status_label",
                  "version", "reason", "submitted_at"]  # fmt: skip


class DeclarationDetailSerializer(DeclarationSerializer):
    items = serializers.SerializerMethodField()

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "items"]

    def get_items(self, obj) -> list[dict]:
        from dataclasses import asdict

        return [asdict(i) | {"id": i.item_id} for i in declared_items(obj)]


class RowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    data = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500))


class DeclarationWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    items = RowSerializer(many=True, max_length=700)
    submit = serializers.BooleanField(default=False, help_text="true：提交并锁定；false：保存为草稿")


class _ViewOrOwn(capability("declarations.view")):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            has_capability(user, "declarations.view") or has_capability(user, "declarations.own")
        )


class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):  # fmt: skip
    """The caller's own reports (cadre_self), or the submitted reports in the caller's scope."""

    serializer_class = DeclarationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        return [capability("declarations.own")()] if self.action == "create" else [_ViewOrOwn()]

    def get_serializer_class(self):
        if self.action == "create":
            return DeclarationWriteSerializer
        return DeclarationDetailSerializer if self.action == "retrieve" else DeclarationSerializer

    def get_queryset(self):
        user = self.request.user
        q = Q(pk__in=[])
        if has_capability(user, "declarations.view"):
            q |= api_units_q(self.request, "declarations.view", "cadre__unit__") & Q(status="submitted")
        if has_capability(user, "declarations.own"):
            q |= Q(cadre__user=user)
        return Declaration.objects.filter(q).select_related("cadre__unit").order_by("-submitted_at", "-pk")

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if (year := request.query_params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(year))
        page = self.paginate_queryset(queryset)
        audit_record(actor=request.user, action="declaration.list", request=request, extra={"via": "api"})
        return self.get_paginated_response(DeclarationSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        d = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 18 else None
        if d is None:
            raise Http404
        own = d.cadre.user_id == request.user.pk and has_capability(request.user, "declarations.own")
        if not own:
            token = getattr(request, "auth", None)
            narrowed = (
                token is None
                or not getattr(token, "unit_id", None)
                or d.cadre.unit.path.startswith(token.unit.path)
            )
            if not (narrowed and staff_may_read_details(request.user, d.cadre)):
                raise Http404  # details are sealed: not even their existence to others
            audit_record(actor=request.user, action="declaration.view", obj=d, person_id=d.cadre_id,
                         unit_id=d.cadre.unit_id, request=request, reason="查阅个人有关事项报告内容",
                         extra={"via": "api"})  # fmt: skip
        return Response(DeclarationDetailSerializer(d).data)

    @extend_schema(request=DeclarationWriteSerializer, responses=DeclarationDetailSerializer)
    def create(self, request, *args, **kwargs):
        """File the caller's report: the annual report for last year or a change report, as a draft
        or submitted at once. Rows are checked as on the page; any bad row refuses the whole call."""
        payload = DeclarationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        v = payload.validated_data
        rows = [services.RowInput(r["kind"], r["data"], str(i)) for i, r in enumerate(v["items"])]
        try:
            with transaction.atomic():  # a refused row leaves no draft behind either
                d = services.declaration_start(
                    user=request.user, kind=v["kind"], reason=v["reason"], request=request
                )
                if d.kind != v["kind"]:
                    raise ValidationError({"kind": "已有一份未提交的草稿，请先提交或在页面上继续填报"})
                save = services.declaration_submit if v["submit"] else services.declaration_save
                d = save(user=request.user, declaration=d, rows=rows, request=request)
        except services.RowErrors as exc:
            errors = [
                {"index": int(token), "kind": kind, "errors": errs}
                for (kind, token), errs in exc.rows.items()
            ]
            return Response({"detail": exc.messages[0], "items": sorted(errors, key=lambda e: e["index"])},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        except ValidationError as exc:
            body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            return Response({"errors": body}, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(DeclarationDetailSerializer(d).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("declarations", DeclarationViewSet, basename="declaration")
