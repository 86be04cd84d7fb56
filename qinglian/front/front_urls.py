"""ROOT_URLCONF of a split public front (QINGLIAN_MODE=public-front): the public pages at the
root, the exchange endpoints the core calls, a health check. Nothing of the core is served."""

from django.http import HttpResponse
from django.urls import include, path

from qinglian.front import views
from qinglian.front.public_urls import public_patterns

handler400 = "qinglian.front.errors.bad_request"
handler403 = "qinglian.front.errors.forbidden"
handler404 = "qinglian.front.errors.not_found"
handler500 = "qinglian.front.errors.server_error"

front_patterns = [
    *public_patterns,
    path("sync/pull", views.sync_pull, name="sync_pull"),
    path("sync/push", views.sync_push, name="sync_push"),
]

urlpatterns = [
    path("", include((front_patterns, "front"))),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
]
