"""This app's rows of the access matrix added after the matrix moved rows into the apps
(qinglian/core/tests/test_access_matrix.py merges them; the earlier cards rows stay there)."""

from qinglian.testing.access import Route

OBJECTS: dict = {}
ROUTES: dict = {
    "cards:self": Route("/cards/me/"),
}
