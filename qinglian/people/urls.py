from django.urls import path

from qinglian.people import cadre_views, views

app_name = "people"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("cadres/", cadre_views.cadre_list, name="cadres"),
    path("cadres/new/", cadre_views.cadre_create, name="cadre_create"),
    path("cadres/<int:cadre_id>/", cadre_views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:cadre_id>/edit/", cadre_views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:cadre_id>/reveal-id/", cadre_views.cadre_reveal_id, name="cadre_reveal_id"),
    path("cadres/<int:cadre_id>/relatives/new/", cadre_views.relative_edit, name="relative_create"),
    path(
        "cadres/<int:cadre_id>/relatives/<int:relative_id>/", cadre_views.relative_edit, name="relative_edit"
    ),
]
