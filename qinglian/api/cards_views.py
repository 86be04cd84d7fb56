"""`/api/v1/cards/` (reminder cards: list and status) and `/api/v1/talks/` (create and list).

Staff tokens see the cards and talks of their scope (narrowed by the token's unit); a cadre's own
token (cadre_self) lists his own cards. A talk created here goes through the same service as the
page: handling talks need a named decision and are recorded on each attending participant's file.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from qinglian.accounts.scopes import has_capability
from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.cards.models import Card, Talk, TalkDue
from qinglian.cards.talks import talk_record
from qinglian.people.models import Cadre


class CardSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="batch.year")
    quarter = serializers.IntegerField(source="batch.quarter")
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Card
        fields = ["id", "year", "quarter", "cadre", "cadre_name", "unit", "unit_name", "recipient_type", "status",
                  "status_label", "valid_until", "acknowledged_at", "reported_at", "checked_at"]  # fmt: skip


class _ViewOrOwn(capability("cards.view")):
    def has_permission(self, request, view):
        u = request.user
        return bool(u and u.is_authenticated) and (
            has_capability(u, "cards.view") or has_capability(u, "cards.own")
        )


class CardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CardSerializer
    permission_classes = [_ViewOrOwn]

    def get_queryset(self):
        cards = Card.objects.exclude(status=Card.Status.DRAFT).select_related("batch", "cadre", "unit")
        if has_capability(self.request.user, "cards.view"):
            cards = cards.filter(api_units_q(self.request, "cards.view", "unit__"))
        else:
            cards = cards.filter(cadre__user=self.request.user)
        return cards.order_by("-batch__year", "-batch__quarter", "pk")


class TalkSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Talk
        fields = ["id", "kind", "kind_label", "held_on", "talker", "place", "summary", "follow_up", "decided_by",
                  "unit", "participants", "recorded_at"]  # fmt: skip

    def get_participants(self, talk) -> list[dict]:
        return [
            {"cadre": p.cadre_id, "name": p.cadre.name, "attended": p.attended}
            for p in talk.participants.all()
        ]


class TalkWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["reminder", "admonishment", "integrity", "pre_appointment", "collective"]
    )
    held_on = serializers.DateField()
    talker = serializers.CharField(max_length=64)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=5000)
    follow_up = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    decided_by = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    participants = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=500)
    absent = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    due = serializers.IntegerField(required=False, help_text="十必谈待谈事项编号（可选）")


class TalkViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = TalkSerializer

    def get_permissions(self):
        return [capability("cards.check" if self.action == "create" else "cards.view")()]

    def get_queryset(self):
        return (
            Talk.objects.filter(api_units_q(self.request, "cards.view", "unit__"))
            .select_related("unit").prefetch_related("participants__cadre").order_by("-held_on", "-id")
        )  # fmt: skip

    @extend_schema(request=TalkWriteSerializer, responses={201: TalkSerializer})
    def create(self, request, *args, **kwargs):
        data = TalkWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        people = list(Cadre.objects.filter(pk__in=d["participants"]).filter(api_units_q(request, "cards.check", "unit__"))
                      .select_related("unit"))  # fmt: skip
        if len(people) != len(set(d["participants"])):
            raise ValidationError({"participants": ["有谈话对象不存在或不在您的管理范围内"]})
        dues = []
        if d.get("due"):
            due = TalkDue.objects.filter(pk=d["due"], talk__isnull=True).select_related("workitem").first()
            if due is None:
                raise ValidationError({"due": ["待谈事项不存在或已办结"]})
            dues = [due]
        try:
            talk = talk_record(
                actor=request.user, kind=d["kind"], held_on=d["held_on"], talker=d["talker"], summary=d["summary"],
                unit=people[0].unit, participants=people, absent=set(d["absent"]), follow_up=d["follow_up"],
                decided_by=d["decided_by"], place=d["place"], dues=dues, request=request,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from None
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)
