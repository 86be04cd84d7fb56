from django.urls import path

from qinglian.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="log"),
    path("export/", views.event_export, name="export"),
    path("verify/", views.chain_verify, name="verify"),
]
