"""Public pages in the core (all-in-one, mounted at /report/) and the staff's poster pages."""

from django.urls import path

from qinglian.front import poster_views, views

app_name = "front"

public_patterns = [
    path("", views.report, name="report"),
    path("follow/", views.follow, name="follow"),
]

urlpatterns = [
    *public_patterns,
    path("posters/", poster_views.poster_list, name="poster_list"),
    path("posters/<int:unit_id>/", poster_views.poster, name="poster"),
]
