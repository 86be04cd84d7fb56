from django.urls import path

from qinglian.grassroots import views

app_name = "grassroots"

urlpatterns = [
    path("submit/", views.submit, name="submit"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:info_id>/", views.mine_detail, name="mine_detail"),
    path("mine/tasks/", views.my_tasks, name="my_tasks"),
    path("mine/tasks/<int:list_id>/", views.my_tasklist, name="my_tasklist"),
    path("mine/tasks/items/<int:task_id>/done/", views.my_task_done, name="my_task_done"),
    path("information/", views.information, name="information"),
    path("information/<int:info_id>/", views.information_detail, name="information_detail"),
    path("information/<int:info_id>/triage/", views.triage, name="triage"),
    path("information/<int:info_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("stations/", views.stations, name="stations"),
    path("stations/new/", views.station_new, name="station_new"),
    path("stations/<int:station_id>/", views.station, name="station"),
    path("stations/<int:station_id>/members/", views.member_add, name="member_add"),
    path("zones/", views.zones, name="zones"),
    path("zones/new/", views.zone_new, name="zone_new"),
    path("zones/<int:zone_id>/groups/new/", views.group_new, name="group_new"),
    path("zones/groups/<int:group_id>/", views.group, name="group"),
    path("zones/groups/<int:group_id>/assign/", views.group_assign, name="group_assign"),
    path("powers/", views.powers, name="powers"),
    path("powers/edit/", views.power_edit, name="power_edit"),
    path("dual-posts/", views.dual_posts, name="dual_posts"),
    path("dual-posts/<int:holder_id>/", views.dual_post, name="dual_post"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.tasklist_new, name="tasklist_new"),
    path("tasks/<int:list_id>/", views.tasklist, name="tasklist"),
    path("tasks/<int:list_id>/add/", views.task_add, name="task_add"),
    path("tasks/items/<int:task_id>/done/", views.task_done, name="task_done"),
]
