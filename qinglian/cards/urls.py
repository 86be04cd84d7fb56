from django.urls import path

from qinglian.cards import selfservice, talk_views, views

app_name = "cards"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("new/", views.batch_new, name="batch_new"),
    path("mine/", views.my_cards, name="mine"),
    path("me/", selfservice.self_service, name="self"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/issue/", views.batch_issue, name="batch_issue"),
    path("prints/<int:print_id>/", views.print_download, name="print"),
    path("cards/<int:card_id>/", views.card_detail, name="card"),
    path("cards/<int:card_id>/check/", views.card_check, name="card_check"),
    path("cards/<int:card_id>/<str:action>/", views.card_action, name="card_action"),
    path("follow-ups/<int:follow_up_id>/hear/", views.follow_up_hear, name="follow_up_hear"),
    path("follow-ups/<int:follow_up_id>/decide/", views.follow_up_decide, name="follow_up_decide"),
    path("talks/", talk_views.talk_list, name="talks"),
    path("talks/new/", talk_views.talk_new, name="talk_new"),
    path("education/", talk_views.education_list, name="education"),
    path("education/new/", talk_views.education_new, name="education_new"),
    path("c/<str:token>/", views.card_open, name="open"),
]
