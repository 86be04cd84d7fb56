"""The public pages' routes, shared by the core (at /report/) and the split front (at the root).
Imports nothing of the core: a public front has no accounts or intake apps."""

from django.urls import path

from qinglian.front import views

public_patterns = [
    path("", views.report, name="report"),
    path("follow/", views.follow, name="follow"),
]
