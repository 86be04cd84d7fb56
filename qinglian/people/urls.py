from django.urls import path

from qinglian.people import cadre_views, import_views, views

app_name = "people"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/export/", import_views.unit_export, name="unit_export"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/pick/", cadre_views.unit_pick, name="unit_pick"),
    path("cadres/", cadre_views.cadre_list, name="cadres"),
    path("cadres/new/", cadre_views.cadre_create, name="cadre_create"),
    path("cadres/export/", import_views.cadre_export, name="cadre_export"),
    path("import/", import_views.import_page, name="import"),
    path("import/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("import/<int:job_id>/", import_views.import_job, name="import_job"),
    path("import/<int:job_id>/errors/", import_views.import_errors, name="import_errors"),
    path("cadres/<int:cadre_id>/", cadre_views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:cadre_id>/edit/", cadre_views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:cadre_id>/reveal-id/", cadre_views.cadre_reveal_id, name="cadre_reveal_id"),
    path("cadres/<int:cadre_id>/relatives/new/", cadre_views.relative_edit, name="relative_create"),
    path(
        "cadres/<int:cadre_id>/relatives/<int:relative_id>/", cadre_views.relative_edit, name="relative_edit"
    ),
]
