"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

Sources and snapshots are not unit-scoped (a registry covers the whole jurisdiction), so the
object routes use an id that does not exist (`foreign`): roles holding the capability get 404,
the others 403. Who sees which source (an agency account only its own) is tested in
tests/test_views.py."""

from qinglian.testing.access import Route

OBJECTS: dict = {}
ROUTES: dict = {
    "registries:sources": Route("/registries/"),
    "registries:source_new": Route("/registries/sources/new/"),
    "registries:source": Route("/registries/sources/999999/", foreign=True),
    "registries:source_settings": Route("/registries/sources/999999/settings/", method="POST"),
    "registries:source_template": Route("/registries/sources/999999/template.csv", foreign=True),
    "registries:snapshot": Route("/registries/snapshots/999999/", foreign=True),
    "registries:snapshot_report": Route("/registries/snapshots/999999/excluded.xlsx", foreign=True),
    "registries:snapshot_ftm": Route("/registries/snapshots/999999/ftm.jsonl", foreign=True),
    "registries:buyers": Route("/registries/buyers/"),
    "registries:buyer_delete": Route("/registries/buyers/999999/delete/", method="POST"),
}
