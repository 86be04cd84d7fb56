from django.urls import path

from qinglian.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/notice/", views.notice_create, name="notice_create"),
    path("<int:doc_id>/download/", views.document_download, name="download"),
]
