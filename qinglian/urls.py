from django.urls import include, path

from qinglian.core.views import section_home

handler400 = "qinglian.core.views.bad_request"
handler403 = "qinglian.core.views.permission_denied"
handler404 = "qinglian.core.views.not_found"
handler500 = "qinglian.core.views.server_error"

urlpatterns = [
    path("", include("qinglian.core.urls")),
    path("accounts/", include("qinglian.accounts.urls")),
    path("people/", include("qinglian.people.urls")),
    path("archive/", include("qinglian.archive.urls")),
    path("intake/", include("qinglian.intake.urls")),
    path("report/", include("qinglian.front.urls")),
    path("groups/", include("qinglian.groups.urls")),
    path("cards/", include("qinglian.cards.urls")),
    path("conduct/", include("qinglian.conduct.urls")),
    path("declarations/", include("qinglian.declarations.urls")),
    path("spot-checks/", include("qinglian.spotchecks.urls")),
    path("appointments/", include("qinglian.appointments.urls")),
    path("handovers/", include("qinglian.handovers.urls")),
    path("inspections/", include("qinglian.inspections.urls")),
    path("self-reports/", include("qinglian.selfreports.urls")),
    path("grassroots/", include("qinglian.grassroots.urls")),
    path("task-force/", include("qinglian.taskforce.urls")),
    path("joint/", include("qinglian.jointwork.urls")),
    path("projects/", include("qinglian.projects.urls")),
    path("registries/", include("qinglian.registries.urls")),
    path("matching/", include("qinglian.matching.urls")),
    path("audit/", include("qinglian.audit.urls")),
    path("rules/", include("qinglian.rules.urls")),
    path("todo/", include("qinglian.workitems.urls")),
    path("documents/", include("qinglian.documents.urls")),
    path("api/", include("qinglian.api.urls")),
    # Modules without a page of their own at their bare address: their first page the user may open.
    *[
        path(prefix, section_home, {"prefix": "/" + prefix})
        for prefix in ("people/", "intake/", "grassroots/", "task-force/", "joint/")
    ],
    path("system/api-tokens/", include("qinglian.api.page_urls")),
]
