"""Public pages in the core (all-in-one, mounted at /report/) and the staff's poster pages."""

from django.urls import path

from qinglian.front import poster_views
from qinglian.front.public_urls import public_patterns

app_name = "front"

urlpatterns = [
    *public_patterns,
    path("posters/", poster_views.poster_list, name="poster_list"),
    path("posters/<int:unit_id>/", poster_views.poster, name="poster"),
]
