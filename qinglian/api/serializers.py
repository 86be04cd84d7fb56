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
