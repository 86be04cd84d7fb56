from django.urls import path

from qinglian.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/cancel/", views.case_cancel, name="case_cancel"),
    path("<int:case_id>/candidates/", views.candidate_add, name="candidate_add"),
    path("<int:case_id>/opinion/", views.opinion_request, name="opinion_request"),
    path("candidates/<int:candidate_id>/withdraw/", views.candidate_withdraw, name="candidate_withdraw"),
    path("candidates/<int:candidate_id>/file-review/", views.file_review, name="file_review"),
    path("candidates/<int:candidate_id>/complaints/", views.complaint_new, name="complaint_new"),
    path("stages/<int:stage_id>/", views.stage_record, name="stage_record"),
    path("stages/<int:stage_id>/close/", views.stage_close, name="stage_close"),
    path("stages/<int:stage_id>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/<int:review_id>/results/", views.review_result, name="review_result"),
    path("reviews/<int:review_id>/feedback/", views.review_feedback, name="review_feedback"),
]
