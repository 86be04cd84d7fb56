from rest_framework import serializers

from qinglian.people.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "sector",
            "parent",
            "supervisor",
            "depth",
            "is_active",
        ]
        read_only_fields = fields


class CadreSerializer(serializers.ModelSerializer):
    """Read shape of a cadre: the ID number only masked; validation on write goes through the same
    form as the pages and the Excel import (qinglian.people.cadre_forms)."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        from qinglian.people.models import Cadre

        model = Cadre
        fields = [
            "id", "name", "gender", "ethnicity", "birth_date", "id_masked", "review_note", "party_member",
            "party_join_date", "education", "unit", "unit_code", "unit_name", "post_title", "post_level", "rank",
            "is_leadership_member", "is_top_leader", "is_key_post", "is_law_enforcement", "is_judicial",
            "is_dual_role", "managing_body", "employment_type", "status", "status_date", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CadreWriteSerializer(serializers.Serializer):
    """Input of create/update: field names as in the web form; `unit` is a unit code."""

    name = serializers.CharField(max_length=32)
    id_number = serializers.CharField(max_length=40, required=False, help_text="18位身份证号（新建时必填）")
    unit = serializers.CharField(max_length=32, help_text="单位代码")
    post_level = serializers.CharField(max_length=16)
    post_title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    rank = serializers.CharField(max_length=16, required=False, allow_blank=True)
    gender = serializers.CharField(max_length=8, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    ethnicity = serializers.CharField(max_length=16, required=False, allow_blank=True)
    party_member = serializers.BooleanField(required=False, default=False)
    party_join_date = serializers.DateField(required=False, allow_null=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    is_leadership_member = serializers.BooleanField(required=False, default=False)
    is_top_leader = serializers.BooleanField(required=False, default=False)
    is_key_post = serializers.BooleanField(required=False, default=False)
    is_law_enforcement = serializers.BooleanField(required=False, default=False)
    is_judicial = serializers.BooleanField(required=False, default=False)
    is_dual_role = serializers.BooleanField(required=False, default=False)
    managing_body = serializers.CharField(max_length=16, required=False, allow_blank=True)
    employment_type = serializers.CharField(max_length=16, required=False, allow_blank=True)
    status = serializers.CharField(max_length=16, required=False, allow_blank=True)
    status_date = serializers.DateField(required=False, allow_null=True)
    post_start_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class RelativeSerializer(serializers.ModelSerializer):
    employer_unit_name = serializers.CharField(source="employer_unit.name", read_only=True, default="")

    class Meta:
        from qinglian.people.models import Relative

        model = Relative
        fields = [
            "id", "cadre", "relation", "name", "birth_date", "id_masked", "employer_unit", "employer_unit_name",
            "employer_credit_code", "employer_name", "job", "abroad", "emigrated", "source", "source_date",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RelativeWriteSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    relation = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=32)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    employer_unit = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="单位代码"
    )
    employer_credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    employer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    job = serializers.CharField(max_length=100, required=False, allow_blank=True)
    abroad = serializers.BooleanField(required=False, default=False)
    emigrated = serializers.BooleanField(required=False, default=False)
    source = serializers.CharField(max_length=16)
    source_date = serializers.DateField(required=False, allow_null=True)


class IdLookupSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=40)
