from django.urls import path

from qinglian.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.project_list, name="projects"),
    path("new/", views.project_new, name="project_new"),
    path("<int:project_id>/", views.project_detail, name="project"),
    path("<int:project_id>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:project_id>/close/", views.project_close, name="project_close"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/report/", views.item_report, name="item_report"),
    path("items/<int:item_id>/verify/", views.item_verify, name="item_verify"),
    path("files/<int:evidence_id>/", views.evidence, name="evidence"),
    path("mine/", views.mine, name="mine"),
    path("lists/", views.lists, name="lists"),
    path("lists/new/", views.list_new, name="list_new"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/tasks/add/", views.task_add, name="task_add"),
    path("lists/<int:list_id>/evaluate/", views.list_evaluate, name="list_evaluate"),
    path("lists/<int:list_id>/export/", views.list_export, name="list_export"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task_report"),
    path("evaluations/<int:evaluation_id>/propose/", views.propose, name="propose"),
    path("proposals/<int:proposal_id>/decide/", views.decide, name="decide"),
]
