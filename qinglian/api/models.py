from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A token for a partner agency's system. Only its hash is stored; the raw value is shown once.

    The token acts as its (integration) user, limited to one unit's subtree: the user's roles give
    the capabilities, and the token's unit narrows their scope further.
    """

    name = models.CharField("用途", max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="限定单位", null=True, blank=True, on_delete=models.PROTECT
    )
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def generate() -> str:
        return "ql_" + secrets.token_urlsafe(32)
