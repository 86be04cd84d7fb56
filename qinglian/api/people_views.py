"""`/api/v1/cadres/` and `/api/v1/relatives/`: the same validation, scope, masking and audit as
the pages. Writes are validated by the pages' forms; an ID number is never in a URL — a lookup
by number is POSTed and matched through its keyed hash."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qinglian.api.permissions import capability
from qinglian.api.scoping import api_units_q
from qinglian.api.serializers import (
    CadreSerializer,
    CadreWriteSerializer,
    IdLookupSerializer,
    RelativeSerializer,
    RelativeWriteSerializer,
)
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.idnumber import IdNumberError, parse
from qinglian.people import cadre_services
from qinglian.people.cadre_forms import CadreFieldsForm, RelativeForm
from qinglian.people.models import Cadre, Relative, Unit
from qinglian.people.selectors import cadre_search_q


def _errors(form) -> dict:
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


def _form_data(payload: dict) -> dict:
    """DRF's typed values → the strings and checkbox values a Django form expects."""
    out = {}
    for k, v in payload.items():
        if isinstance(v, bool):
            if v:
                out[k] = "on"
        elif v is not None:
            out[k] = str(v)
    return out


class CadreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Cadres within the caller's scope; ID numbers masked."""

    serializer_class = CadreSerializer
    http_method_names = ["get", "post", "put", "head", "options"]  # PUT carries the whole record

    def get_permissions(self):
        caps = ("people.view",) if self.action in ("list", "retrieve", "lookup") else ("people.manage",)
        return [capability(*caps)()]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CadreWriteSerializer
        if self.action == "lookup":
            return IdLookupSerializer
        return CadreSerializer

    def get_queryset(self):
        cap = "people.view" if self.action in ("list", "retrieve", "lookup") else "people.manage"
        cadres = Cadre.objects.filter(api_units_q(self.request, cap, "unit__")).select_related("unit")
        if self.action == "list":
            params = self.request.query_params
            if q := params.get("q"):
                cadres = cadres.filter(cadre_search_q(q))
            if unit := params.get("unit"):
                if not unit.isdigit():
                    raise Http404
                under = Unit.objects.filter(pk=int(unit)).first()
                cadres = cadres.filter(unit__path__startswith=under.path) if under else cadres.none()
            for field in ("status", "post_level"):
                if value := params.get(field):
                    cadres = cadres.filter(**{field: value})
        return cadres.order_by("id")

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="姓名、拼音或首字母、身份证号后4-6位"),
        OpenApiParameter("unit", int, description="单位编号（含下级）"),
        OpenApiParameter("status", str), OpenApiParameter("post_level", str),
    ])  # fmt: skip
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        cadre = self.get_object()
        audit_record(
            actor=request.user,
            action="cadre.view",
            obj=cadre,
            person_id=cadre.pk,
            unit_id=cadre.unit_id,
            request=request,
            extra={"via": "api"},
        )
        return Response(CadreSerializer(cadre).data)

    def _clean(self, request, *, partial_instance: Cadre | None = None):
        payload = CadreWriteSerializer(data=request.data, partial=partial_instance is not None)
        payload.is_valid(raise_exception=True)
        data = _form_data(payload.validated_data)
        unit = Unit.objects.filter(code=data.pop("unit", ""), is_active=True).first()
        form = CadreFieldsForm(data=data)
        if partial_instance is not None:
            form.fields["id_number"].required = False
        if not form.is_valid() or unit is None:
            errors = _errors(form) if form.errors else {}
            if unit is None:
                errors["unit"] = ["单位代码不存在"]
            raise DjangoValidationError(errors)
        cleaned = form.cleaned_data
        cleaned["unit"] = unit
        if cleaned.get("id_number") is None and partial_instance is not None:
            cleaned.pop("id_number")
            cleaned["birth_date"] = cleaned.get("birth_date") or partial_instance.birth_date
            cleaned["gender"] = cleaned.get("gender") or partial_instance.gender
        return cleaned

    def create(self, request, *args, **kwargs):
        cadre = cadre_services.cadre_create(actor=request.user, data=self._clean(request), request=request)
        return Response(CadreSerializer(cadre).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        cadre = self.get_object()
        cleaned = self._clean(request, partial_instance=cadre)
        cadre = cadre_services.cadre_update(
            actor=request.user,
            cadre=cadre,
            data=cleaned,
            reason=str(request.data.get("reason", "")),
            request=request,
        )
        return Response(CadreSerializer(cadre).data)

    @extend_schema(request=IdLookupSerializer, responses=CadreSerializer)
    @action(detail=False, methods=["post"], url_path="lookup")
    def lookup(self, request):
        """Find a cadre by full ID number (POSTed, never in a URL); matched by its keyed hash."""
        payload = IdLookupSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            number = parse(payload.validated_data["id_number"]).number
        except IdNumberError as exc:
            raise DjangoValidationError({"id_number": [exc.message]}) from None
        cadre = self.get_queryset().filter(id_number_hash=keyed_hash(number)).first()
        audit_record(
            actor=request.user,
            action="cadre.lookup",
            person_id=cadre.pk if cadre else None,
            request=request,
            extra={"found": cadre is not None, "via": "api"},
        )
        if cadre is None:
            raise Http404
        return Response(CadreSerializer(cadre).data)


class RelativeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Relatives of cadres within the caller's scope (roles that may see relatives only)."""

    serializer_class = RelativeSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_permissions(self):
        caps = (
            ("people.relatives",)
            if self.action in ("list", "retrieve")
            else ("people.manage", "people.relatives")
        )
        return [capability(*caps)()]

    def get_serializer_class(self):
        return (
            RelativeWriteSerializer
            if self.action in ("create", "update", "partial_update")
            else RelativeSerializer
        )

    def get_queryset(self):
        cap = "people.relatives" if self.action in ("list", "retrieve") else "people.manage"
        relatives = Relative.objects.filter(api_units_q(self.request, cap, "cadre__unit__")).select_related(
            "employer_unit"
        )
        if cadre := self.request.query_params.get("cadre"):
            if not cadre.isdigit():
                raise Http404
            relatives = relatives.filter(cadre_id=int(cadre))
        return relatives.order_by("cadre_id", "id")

    @extend_schema(parameters=[OpenApiParameter("cadre", int, description="干部编号")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _save(self, request, relative: Relative | None):
        payload = RelativeWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _form_data(payload.validated_data)
        cadre_id = int(data.pop("cadre"))
        cadre = Cadre.objects.filter(api_units_q(request, "people.manage", "unit__"), pk=cadre_id).first()
        if cadre is None or (relative is not None and relative.cadre_id != cadre.pk):
            raise Http404
        code = data.pop("employer_unit", "")
        form = RelativeForm(data=data, units=Unit.objects.none())
        if not form.is_valid():
            raise DjangoValidationError(_errors(form))
        cleaned = form.cleaned_data
        cleaned["employer_unit"] = Unit.objects.filter(code=code).first() if code else None
        if code and cleaned["employer_unit"] is None:
            raise DjangoValidationError({"employer_unit": ["单位代码不存在"]})
        saved = cadre_services.relative_save(
            actor=request.user, cadre=cadre, data=cleaned, relative=relative, request=request
        )
        return Response(
            RelativeSerializer(saved).data,
            status=status.HTTP_201_CREATED if relative is None else status.HTTP_200_OK,
        )

    def create(self, request, *args, **kwargs):
        return self._save(request, None)

    def update(self, request, *args, **kwargs):
        return self._save(request, self.get_object())
