"""Sign-in events go to the audit log (who, when, from which staff workstation)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from qinglian.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", obj=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # No address is stored for a failed attempt: it comes from an unauthenticated client.
    audit_record(
        actor=None, action="auth.login_failed", extra={"username": str(credentials.get("username", ""))[:150]}
    )
