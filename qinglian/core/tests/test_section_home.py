from django.test import Client


def test_a_modules_bare_address_opens_its_first_page_the_user_may_open(tree, make_user, login):
    """/task-force/ and the like have no page of their own (they answered 404)."""
    org = login(make_user("org_supervision", tree.county_a))
    response = org.get("/task-force/")
    assert response.status_code == 302 and response["Location"].startswith("/task-force/")
    assert org.get(response["Location"]).status_code == 200
    response = org.get("/people/")
    assert response.status_code == 302 and org.get(response["Location"]).status_code == 200

    nobody = login(make_user(None, unit=tree.county_a))  # no role: no page under the module
    assert nobody.get("/task-force/").status_code == 404

    anonymous = Client().get("/task-force/")  # not signed in: the login form
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
