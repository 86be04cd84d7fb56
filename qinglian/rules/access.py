"""The checked fetch of a rule. Rules are not scoped to units: every role with `rules.view` sees
all of them (they are the platform's shared law), so the check is existence only."""

from __future__ import annotations

from django.http import Http404

from qinglian.rules.models import Rule


def access_rule(user, code: str) -> Rule:
    try:
        return Rule.objects.get(code=str(code))
    except Rule.DoesNotExist:
        raise Http404("规则不存在") from None
