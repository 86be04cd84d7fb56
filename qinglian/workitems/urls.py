from django.urls import path

from qinglian.workitems import views

app_name = "workitems"
urlpatterns = [
    path("", views.workitem_list, name="list"),
    path("<int:item_id>/", views.workitem_detail, name="detail"),
    path("<int:item_id>/complete/", views.workitem_complete, name="complete"),
    path("<int:item_id>/cancel/", views.workitem_cancel, name="cancel"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
]
