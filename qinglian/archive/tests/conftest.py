from datetime import date

import pytest

from qinglian.archive.services import entry_record


@pytest.fixture
def record(db):
    """Record an entry as the system (permission checks are tested separately)."""

    def do(person, kind, effective_on, **kw):
        kw.setdefault("summary", "测试记录")
        kw.setdefault("occurred_on", effective_on)
        if kind.startswith(("party.", "gov.")):
            kw.setdefault("decision_document", "东纪处〔2026〕1号")
        kw.setdefault("decided_by", "县纪委常委会")
        return entry_record(
            actor=None, person=person, kind=kind, effective_on=effective_on, check_permission=False, **kw
        )

    return do


@pytest.fixture
def person(tree, make_cadre):
    return make_cadre(tree.dept_a1, "测试人", born=date(1975, 3, 3))
