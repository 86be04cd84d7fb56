from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from qinglian.api import (
    appointments_views,
    archive_views,
    cards_views,
    conduct_views,
    declarations_views,
    grassroots_views,
    handovers_views,
    inspections_views,
    intake_views,
    jointwork_views,
    matching_views,
    opinion_views,
    people_views,
    projects_views,
    registries_views,
    selfreports_views,
    spotchecks_views,
    taskforce_views,
    views,
)

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("cadres", people_views.CadreViewSet, basename="cadre")
router.register("relatives", people_views.RelativeViewSet, basename="relative")
router.register("archive-entries", archive_views.ArchiveEntryViewSet, basename="archive-entry")
router.register("opinion-requests", opinion_views.OpinionRequestViewSet, basename="opinion-request")
router.register("reports", intake_views.ReportTransferViewSet, basename="report")
router.register("clues", intake_views.ClueViewSet, basename="clue")
router.register("cards", cards_views.CardViewSet, basename="card")
router.register("talks", cards_views.TalkViewSet, basename="talk")
router.register("family-events", conduct_views.FamilyEventViewSet, basename="family-event")
for _module in (
    declarations_views,
    spotchecks_views,
    appointments_views,
    handovers_views,
    inspections_views,
    selfreports_views,
    grassroots_views,
    taskforce_views,
    jointwork_views,
    projects_views,
    registries_views,
    matching_views,
):
    _module.register(router)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: the CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "v1/cadres/<int:cadre_id>/restrictions/",
        archive_views.RestrictionsView.as_view(),
        name="cadre-restrictions",
    ),
    path("v1/", include(router.urls)),
]
