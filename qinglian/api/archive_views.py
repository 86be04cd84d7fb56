"""`/api/v1/archive-entries/` and `/api/v1/cadres/{id}/restrictions/`.

Entries are created through `archive.services.entry_record` (the one write path), by kind code,
for a person given by cadre id or by ID number — matched through its keyed hash and never echoed.
Lists are per person, scoped (and narrowed by the token's unit), with sealed entries only for
callers who read clue content; every read of a person's file is audited.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from qinglian.accounts.scopes import capabilities, scope
from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.archive import selectors
from qinglian.archive.bars import bars
from qinglian.archive.models import ArchiveEntry, EntryKind
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.idnumber import IdNumberError, parse
from qinglian.people.models import Cadre

NOT_FOUND = "干部库中没有该人员，或不在您的管理范围内"


class ArchiveEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    colour_label = serializers.CharField()
    person = serializers.IntegerField(source="person_id")
    unit = serializers.IntegerField(source="unit_id")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    closes = serializers.IntegerField(source="closes_id", allow_null=True)

    class Meta:
        model = ArchiveEntry
        fields = ["id", "person", "unit", "kind", "kind_name", "colour", "colour_label", "occurred_on",
                  "effective_on", "influence_end", "permanent", "period_months", "period_year", "summary",
                  "decided_by", "decision_document", "source_reference", "sensitivity", "review", "supersedes",
                  "closes", "revokes", "recorded_at"]  # fmt: skip
        read_only_fields = fields


class ArchiveEntryCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=64, help_text="记录类型代码，如 external.audit_finding")
    person = serializers.IntegerField(required=False, help_text="干部编号（与 id_number 二选一）")
    id_number = serializers.CharField(required=False, max_length=40, write_only=True,
                                      help_text="身份证号（按密钥哈希匹配，不回显）")  # fmt: skip
    occurred_on = serializers.DateField()
    effective_on = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=2000)
    decided_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision_document = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    period_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=120)
    period_year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)
    source_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    supersedes = serializers.IntegerField(required=False, allow_null=True)
    revokes = serializers.BooleanField(required=False, default=False)
    closes = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs):
        if bool(attrs.get("person")) == bool(attrs.get("id_number")):
            raise serializers.ValidationError(
                {"person": "请提供干部编号（person）或身份证号（id_number）之一"}
            )
        return attrs


def _person_param(request) -> int:
    value = request.query_params.get("person", "")
    if not value.isdigit():
        raise DjangoValidationError({"person": "请用 ?person=<干部编号> 指定人员"})
    return int(value)


def _scoped_cadre(request, cadre_id: int, cap: str = "archive.view") -> Cadre:
    cadre = (
        Cadre.objects.filter(api_units_q(request, cap, "unit__"), pk=cadre_id).select_related("unit").first()
    )
    if cadre is None:
        raise Http404
    return cadre


class ArchiveEntryViewSet(viewsets.GenericViewSet):
    """A person's archive entries (list, per person) and new entries (create, by kind code)."""

    serializer_class = ArchiveEntrySerializer
    queryset = ArchiveEntry.objects.none()

    def get_permissions(self):
        if self.action == "list":
            return [capability("archive.view")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return ArchiveEntryCreateSerializer if self.action == "create" else ArchiveEntrySerializer

    @extend_schema(parameters=[OpenApiParameter("person", int, required=True, description="干部编号")])
    def list(self, request):
        cadre = _scoped_cadre(request, _person_param(request))
        audit_record(actor=request.user, action="archive.view_person", obj=cadre, person_id=cadre.pk,
                     unit_id=cadre.unit_id, request=request, extra={"via": "api"})  # fmt: skip
        rows = selectors.person_entries(cadre, viewer=request.user).filter(
            api_units_q(request, "archive.view", "unit__")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ArchiveEntrySerializer(page, many=True).data)

    def _person(self, request, data) -> Cadre:
        caps = capabilities(request.user)
        kind = EntryKind.objects.filter(code=data["kind"]).first()
        creator_caps = caps.intersection(kind.creators) if kind else frozenset()
        if kind is not None and not creator_caps:
            raise PermissionDenied(f"您的角色不能录入“{kind.name}”")
        if data.get("person"):
            cadre = Cadre.objects.filter(
                api_units_q(request, "archive.view", "unit__"), pk=data["person"]
            ).first()
        else:
            try:
                number = parse(data["id_number"]).number
            except IdNumberError as exc:
                raise DjangoValidationError({"id_number": [exc.message]}) from None
            cadre = Cadre.objects.filter(id_number_hash=keyed_hash(number)).select_related("unit").first()
            # Only a partner agency submits about anyone; others only within their own scope.
            if cadre is not None and "archive.submit_external" not in creator_caps:
                if not any(
                    scope(request.user, c).contains(cadre.unit) for c in creator_caps | {"archive.view"}
                ):
                    cadre = None
        if cadre is None:
            raise DjangoValidationError({"person": [NOT_FOUND]})
        return cadre

    def create(self, request):
        from qinglian.archive.services import entry_record

        payload = ArchiveEntryCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        cadre = self._person(request, data)
        caps = capabilities(request.user)
        agency_only = "archive.submit_external" in caps and not any(
            c.startswith("archive.record_") for c in caps
        )

        def own(pk):
            if not pk:
                return None
            entry = ArchiveEntry.objects.filter(
                selectors.visible_q(request.user), pk=pk, person=cadre
            ).first()
            if entry is None:
                raise DjangoValidationError({"supersedes": ["所指的记录不存在或不属于该人员"]})
            return entry

        entry = entry_record(
            actor=request.user, kind=data["kind"], person=cadre, summary=data["summary"],
            occurred_on=data["occurred_on"], effective_on=data.get("effective_on"), decided_by=data["decided_by"],
            decision_document=data["decision_document"], period_months=data.get("period_months"),
            period_year=data.get("period_year"), source_app="api", source_reference=data["source_reference"],
            source_agency=request.user.unit if agency_only else None, supersedes=own(data.get("supersedes")),
            revokes=data["revokes"], closes=own(data.get("closes")), request=request,
        )  # fmt: skip
        return Response(ArchiveEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class RestrictionsView(APIView):
    """What a cadre is barred from on `as_of` (default today), with each bar's entry and rule."""

    permission_classes = [capability("archive.view")]

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD，默认今天")],
        responses={200: dict},
    )
    def get(self, request, cadre_id: int):
        from django.utils import timezone

        raw = request.query_params.get("as_of", "")
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise DjangoValidationError({"as_of": ["日期格式应为 YYYY-MM-DD"]}) from None
        cadre = _scoped_cadre(request, cadre_id)
        audit_record(actor=request.user, action="archive.restrictions", obj=cadre, person_id=cadre.pk,
                     unit_id=cadre.unit_id, request=request, extra={"via": "api", "as_of": as_of.isoformat()})  # fmt: skip
        entries = (
            ArchiveEntry.objects.filter(person=cadre, voided_at__isnull=True)
            .select_related("kind")
            .order_by("effective_on", "id")
        )
        if not scope(request.user, "sealed.clue_content").contains(cadre.unit):
            entries = entries.filter(sensitivity=ArchiveEntry.Sensitivity.NORMAL)
        return Response(
            {
                "cadre": cadre.pk,
                "as_of": as_of.isoformat(),
                "restrictions": [
                    {
                        "entry": b.entry.pk,
                        "kind": b.entry.kind.code,
                        "kind_name": b.entry.kind.name,
                        "effect": b.effect,
                        "restrictions": sorted(b.restrictions),
                        "restriction_labels": b.restriction_labels,
                        "until": b.until.isoformat() if b.until else None,
                        "permanent": b.permanent,
                        "citation": b.citation,
                        "unsettled": b.unsettled,
                        "explanation": b.explanation,
                    }  # fmt: skip
                    for b in bars(list(entries), as_of=as_of)
                ],
            }
        )
