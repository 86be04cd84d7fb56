"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _declaration(tree, unit):
    from qinglian.declarations.tests.factories import submitted_declaration

    return submitted_declaration(unit).pk


OBJECTS: dict = {"declaration": _declaration}
ROUTES: dict = {
    "declarations:reporters": Route("/declarations/"),
    "declarations:reports": Route("/declarations/reports/"),
    "declarations:report": Route("/declarations/reports/{obj}/", obj="declaration"),
    "declarations:mine": Route("/declarations/mine/"),
    "declarations:start": Route("/declarations/mine/start/", method="POST"),
    "declarations:my_report": Route("/declarations/mine/999999/", foreign=True),
    "declarations:edit": Route("/declarations/mine/999999/edit/", foreign=True),
    "declarations:row_new": Route("/declarations/mine/999999/rows/real_estate/", foreign=True),
    "declarations:row_check": Route("/declarations/mine/999999/rows/real_estate/abc/check/", method="POST"),
}
