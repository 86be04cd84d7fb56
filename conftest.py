"""Shared fixtures: a small unit tree and users for every role, inside and outside each scope.

Like healthchecks' alice/bob/charlie: every view test has an owner, a colleague with access and an
outsider without it. Two-factor authentication stays ON in tests; `login` passes it properly.
"""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.accounts.models import User
from qinglian.accounts.services import role_assign
from qinglian.people.models import Unit
from qinglian.people.services import unit_create

# Playwright fixtures for browser tests (browser, page, new_page, browser_guard).
pytest_plugins = ["qinglian.testing.browser"]


class Tree:
    """root (city) ── county A ── JW (commission), PZ1 (stationed group), dept A1 & A2 (supervised by PZ1),
    township T1 ── T1 committee, village V1; ── county B ── dept B1."""

    def __init__(self):
        mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
            actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
        )
        self.root = mk("R", "测试市", "jurisdiction", "city", None)
        self.county_a = mk("A", "甲县", "jurisdiction", "county", self.root)
        self.jw_a = mk("A-JW", "甲县纪委监委", "discipline_commission", "county", self.county_a)
        self.pz1 = mk("A-PZ1", "甲县派驻第一组", "stationed_group", "county", self.county_a)
        self.dept_a1 = mk(
            "A-D1", "甲县教育局", "government_dept", "county", self.county_a, supervisor=self.pz1
        )
        self.dept_a2 = mk(
            "A-D2", "甲县财政局", "government_dept", "county", self.county_a, supervisor=self.pz1
        )
        self.dept_a3 = mk("A-D3", "甲县水利局", "government_dept", "county", self.county_a)
        self.township = mk("A-T1", "甲镇", "township", "township", self.county_a)
        self.t1_committee = mk("A-T1-JW", "甲镇纪委", "township_committee", "township", self.township)
        self.village = mk(
            "A-T1-V1", "甲村", "village", "village", self.township, supervisor=self.t1_committee
        )
        self.county_b = mk("B", "乙县", "jurisdiction", "county", self.root)
        self.dept_b1 = mk("B-D1", "乙县教育局", "government_dept", "county", self.county_b)
        for value in vars(self).values():
            if isinstance(value, Unit):
                value.refresh_from_db()


@pytest.fixture
def tree(db) -> Tree:
    return Tree()


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(
        role: str | None = None, anchor: Unit | None = None, *, unit: Unit | None = None, username=None
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"u{counter['n']}_{role or 'none'}",
            password="pw-test-123456",
            display_name=f"用户{counter['n']}",
            unit=unit or anchor,
        )
        if role:
            role_assign(actor=None, user=user, role=role, anchor=anchor, reason="测试")
        return user

    return make


def verify_2fa(client, user) -> None:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def login(client):
    def do(user, *, two_factor: bool = True):
        client.force_login(user)
        if two_factor:
            verify_2fa(client, user)
        return client

    return do


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the test database empty the append-only audit table (Django flushes between
    transactional tests); production databases never get this setting (qinglian/audit/db.py).

    PostgreSQL 15 lets only a superuser `ALTER DATABASE ... SET` a custom parameter, so every test
    connection (threads included) sets it for its own session instead."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    from qinglian.audit.db import maintenance_enabled

    def pg_maintenance(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET qinglian.audit_maintenance = 'on'")

    maintenance_enabled(True)
    connection_created.connect(pg_maintenance, weak=False, dispatch_uid="qinglian.tests.audit_maintenance")
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            connection.ensure_connection()
            pg_maintenance(None, connection)


@pytest.fixture
def make_cadre(db):
    """A cadre created through the service (ID numbers under the fictional demo region)."""
    from datetime import date

    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.people.cadre_services import cadre_create

    counter = {"n": 0}

    def create(unit, name: str = "张三", *, born: date = date(1980, 5, 17), **fields):
        counter["n"] += 1
        number = make(DEMO_REGION, born, counter["n"] * 2 + (0 if fields.get("gender") == "female" else 1))
        data = {"name": name, "id_number": parse(number), "unit": unit, "post_level": "staff",
                "gender": "female" if fields.get("gender") == "female" else "male", "birth_date": born,
                "party_member": True, **fields}
        data.setdefault("review_note", "")
        cadre = cadre_create(actor=None, data=data)
        cadre.test_id_number = number
        return cadre

    return create
