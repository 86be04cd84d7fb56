from django.urls import path

from qinglian.spotchecks import views

app_name = "spotchecks"

urlpatterns = [
    path("", views.home, name="home"),
    path("checks/<int:check_id>/", views.check_detail, name="check"),
    path("checks/<int:check_id>/compare/", views.check_compare, name="check_compare"),
    path("checks/<int:check_id>/decide/", views.check_decide, name="check_decide"),
    path("checks/<int:check_id>/cancel/", views.check_cancel, name="check_cancel"),
    path("targeted/new/", views.targeted_new, name="targeted_new"),
    path("targeted/from-opinion/", views.targeted_from_opinion, name="targeted_from_opinion"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/redraw/", views.round_redraw, name="round_redraw"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/file/", views.request_file, name="request_file"),
    path("requests/<int:request_id>/import/", views.request_import, name="request_import"),
    path("templates/<str:agency>/", views.template_download, name="template"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:check_id>/", views.explain, name="explain"),
]
