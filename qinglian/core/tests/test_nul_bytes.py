"""A NUL character in a parameter is a 400 with a message, never a database error (PostgreSQL)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/people/cadres/?q=%00", "/intake/reports/?number=a%00b", "/groups/young/?q=%00",
                                  "/report/?u=%00"])  # fmt: skip
def test_nul_in_a_parameter_is_refused_cleanly(path, tree, make_user, login):
    client = login(make_user("petitions_intake", tree.county_a))
    response = client.get(path)
    assert response.status_code == 400
    assert "请求" in response.content.decode()


def test_nul_in_a_posted_field_is_refused(client):
    assert client.post("/report/", {"facts": "a\x00b"}).status_code == 400
