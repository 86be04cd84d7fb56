"""Routes of clue disposal (线索处置): the panel on the clue page, its page, one POST per action."""

from django.urls import path

from qinglian.intake import disposal_views

urlpatterns = [
    path("clues/<int:clue_id>/disposal/", disposal_views.clue_disposal_page, name="clue_disposal"),
    path(
        "clues/<int:clue_id>/disposal/panel/", disposal_views.clue_disposal_panel, name="clue_disposal_panel"
    ),
    path(
        "clues/<int:clue_id>/disposal/<slug:action>/",
        disposal_views.clue_disposal_act,
        name="clue_disposal_act",
    ),
]
