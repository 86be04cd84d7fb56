from django.urls import path

from qinglian.jointwork import views

app_name = "jointwork"

urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/cases/", views.case_add, name="case_add"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:meeting_id>/follow-ups/", views.follow_up, name="follow_up"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
    path("circulars/", views.circulars, name="circulars"),
    path("circulars/<int:circular_id>/", views.circular, name="circular"),
    path("schedules/", views.schedules, name="schedules"),
]
