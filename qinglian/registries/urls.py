from django.urls import path

from qinglian.registries import views

app_name = "registries"

urlpatterns = [
    path("", views.sources, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:source_id>/", views.source, name="source"),
    path("sources/<int:source_id>/settings/", views.source_settings, name="source_settings"),
    path("sources/<int:source_id>/template.csv", views.source_template, name="source_template"),
    path("snapshots/<int:snapshot_id>/", views.snapshot, name="snapshot"),
    path("snapshots/<int:snapshot_id>/excluded.xlsx", views.snapshot_report, name="snapshot_report"),
    path("snapshots/<int:snapshot_id>/ftm.jsonl", views.snapshot_ftm, name="snapshot_ftm"),
    path("buyers/", views.buyers, name="buyers"),
    path("buyers/<int:mapping_id>/delete/", views.buyer_delete, name="buyer_delete"),
]
