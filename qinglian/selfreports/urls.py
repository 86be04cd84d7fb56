from django.urls import path

from qinglian.selfreports import views

app_name = "selfreports"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("upload/", views.report_upload, name="upload"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/file/", views.report_file, name="report_file"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/finding/", views.pair_finding, name="pair_finding"),
]
