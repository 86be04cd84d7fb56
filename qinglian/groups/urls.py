from django.urls import path

from qinglian.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_new, name="new"),
    path("batches/<int:batch_id>/", views.measure_batch, name="batch"),
    path("<slug:code>/", views.group_detail, name="detail"),
    path("<slug:code>/edit/", views.group_edit, name="edit"),
    path("<slug:code>/coverage/", views.group_coverage, name="coverage"),
    path("<slug:code>/manual/", views.manual_add, name="manual_add"),
    path("<slug:code>/manual/<int:manual_id>/end/", views.manual_withdraw, name="manual_end"),
]
