from django.urls import path

from qinglian.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("<str:code>/", views.rule_detail, name="detail"),
    path("<str:code>/<str:key>/change/", views.param_change, name="param_change"),
]
