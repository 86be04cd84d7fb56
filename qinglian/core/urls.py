from django.urls import path

from qinglian.core import calendar_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("calendar/", calendar_views.calendar_index, name="calendar"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
]
