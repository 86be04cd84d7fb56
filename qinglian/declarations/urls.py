from django.urls import path

from qinglian.declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.reporters, name="reporters"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:declaration_id>/", views.report_detail, name="report"),
    path("mine/", views.mine, name="mine"),
    path("mine/start/", views.start, name="start"),
    path("mine/<int:declaration_id>/", views.my_report, name="my_report"),
    path("mine/<int:declaration_id>/edit/", views.edit, name="edit"),
    path("mine/<int:declaration_id>/rows/<str:kind>/", views.row_new, name="row_new"),
    path("mine/<int:declaration_id>/rows/<str:kind>/<str:token>/check/", views.row_check, name="row_check"),
]
