from __future__ import annotations

from datetime import date

import pytest

from qinglian.accounts.models import User
from qinglian.accounts.services import role_assign, user_create
from qinglian.archive.models import ArchiveEntry
from qinglian.taskforce.models import Agency, MissingReport, MonthlyReport

pytestmark = pytest.mark.django_db


def test_demo_generator_builds_the_task_force_with_late_and_missing_reports(settings):
    from qinglian.demo import jurisdiction
    from qinglian.demo.load import load_cadres
    from qinglian.demo.taskforce_gen import generate

    units = jurisdiction.build()
    load_cadres(300)
    users = {}
    for username, role, unit, anchor in (("zuzhi", "org_supervision", "QL-DH-ZZB", "QL-DH"),
                                         ("zhuanban", "taskforce_agency", "QL-DH-SJJ", None)):  # fmt: skip
        users[username] = user_create(actor=None, username=username, display_name=username, unit=units[unit],
                                      password="pw-demo-123456")  # fmt: skip
        role_assign(
            actor=None,
            user=users[username],
            role=role,
            anchor=units[anchor] if anchor else None,
            reason="演示",
        )
    summary = generate(users=users, today=date(2026, 11, 24))
    assert summary.reports == 11 and summary.late >= 1 and summary.token.startswith("ql_")
    assert set(summary.logins) == {"zhuanban_fy", "zhuanban_ga", "zhuanban_xf"}
    assert Agency.objects.get(code="shenji").unit == units["QL-DH-SJJ"]
    assert MonthlyReport.objects.filter(late=True, agency__code="fayuan").exists()
    assert not MonthlyReport.objects.filter(agency__code="xinfang", month=date(2026, 10, 1)).exists()
    assert MissingReport.objects.filter(agency__code="xinfang", month=date(2026, 10, 1)).exists()
    assert ArchiveEntry.objects.filter(source_app="taskforce", review="pending").count() >= 22
    again = generate(users=users, today=date(2026, 11, 24))  # idempotent
    assert again.reports == 0 and MonthlyReport.objects.count() == 11
    assert User.objects.filter(username="tf-fayuan-api", is_integration=True).exists()
