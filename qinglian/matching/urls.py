from django.urls import path

from qinglian.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.hits, name="hits"),
    path("hits/<int:hit_id>/", views.hit_detail, name="hit"),
    path("hits/<int:hit_id>/<str:action>/", views.hit_act, name="hit_act"),
    path("review/", views.review, name="review"),
    path("links/<int:link_id>/", views.link_detail, name="link"),
    path("graph/cadre/<int:cadre_id>/", views.person_graph, name="person_graph"),
    path("graph/company/<int:company_id>/", views.company_graph, name="company_graph"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("sectors/", views.sectors, name="sectors"),
    path("regions/", views.regions, name="regions"),
]
