import hashlib
import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from qinglian.audit.models import AuditEvent
from qinglian.documents import registry
from qinglian.documents.content import OfficialDocument
from qinglian.documents.models import Document, DocumentNumberRegister
from qinglian.documents.services import document_create, document_generate, document_number_allocate


@pytest.fixture
def clerk(tree, make_user):
    return make_user("discipline_supervision", tree.county_a)


def test_numbers_follow_each_other_per_unit_prefix_and_year(tree, clerk):
    got = [document_number_allocate(actor=clerk, unit=tree.jw_a, prefix="甲纪", year=2026) for _ in range(3)]
    assert got == ["甲纪〔2026〕1号", "甲纪〔2026〕2号", "甲纪〔2026〕3号"]
    assert (
        document_number_allocate(actor=clerk, unit=tree.jw_a, prefix="甲纪", year=2027) == "甲纪〔2027〕1号"
    )
    assert (
        document_number_allocate(actor=clerk, unit=tree.jw_a, prefix="甲纪函", year=2026)
        == "甲纪函〔2026〕1号"
    )
    assert (
        document_number_allocate(actor=clerk, unit=tree.township, prefix="甲纪", year=2026)
        == "甲纪〔2026〕1号"
    )
    assert AuditEvent.objects.filter(action="document.number").count() == 6


def test_number_prefix_must_be_a_plain_mark(tree, clerk):
    for bad in ("", "  ", "甲纪〔2026〕"):
        with pytest.raises(ValidationError) as exc:
            document_number_allocate(actor=clerk, unit=tree.jw_a, prefix=bad, year=2026)
        assert "prefix" in exc.value.message_dict
    assert not DocumentNumberRegister.objects.exists()


def test_outsider_cannot_take_a_number_of_another_county(tree, make_user):
    outsider = make_user("discipline_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        document_number_allocate(actor=outsider, unit=tree.jw_a, prefix="甲纪", year=2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number(tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are exercised on PostgreSQL")
    results, errors = [], []

    def take():
        try:
            for _ in range(5):
                results.append(document_number_allocate(actor=None, unit=tree.jw_a, prefix="甲纪", year=2026))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == sorted(f"甲纪〔2026〕{n}号" for n in range(1, 21))


def test_created_files_match_their_stored_sha256_and_size(tree, clerk, notice_content):
    docs = document_create(
        actor=clerk,
        template="notice",
        content=notice_content,
        issuing_unit=tree.jw_a,
        formats=("docx", "pdf"),
    )
    assert [d.format for d in docs] == ["docx", "pdf"]
    assert docs[0].batch == docs[1].batch
    for doc in docs:
        with doc.file.open("rb") as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size
    events = AuditEvent.objects.filter(action="document.create")
    assert {e.extra["sha256"] for e in events} == {d.sha256 for d in docs}


def test_number_is_allocated_into_the_document_and_the_subject_is_linked(tree, clerk, notice_content):
    [doc] = document_create(
        actor=clerk,
        template="notice",
        content=notice_content,
        issuing_unit=tree.jw_a,
        formats=("docx",),
        subject=tree.dept_a1,
        number_prefix="甲纪",
    )
    assert doc.number == "甲纪〔2026〕1号"
    assert doc.subject == tree.dept_a1 and doc.subject_id == str(tree.dept_a1.pk)
    import docx

    with doc.file.open("rb") as fh:
        assert "甲纪〔2026〕1号" in [p.text for p in docx.Document(fh).paragraphs]


def test_cannot_issue_in_the_name_of_a_unit_outside_the_scope(tree, make_user, notice_content):
    outsider = make_user("discipline_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        document_create(
            actor=outsider,
            template="notice",
            content=notice_content,
            issuing_unit=tree.jw_a,
            formats=("docx",),
        )
    assert not Document.objects.exists()


def test_unknown_format_is_refused(tree, clerk, notice_content):
    with pytest.raises(ValidationError):
        document_create(
            actor=clerk, template="notice", content=notice_content, issuing_unit=tree.jw_a, formats=("odt",)
        )


def test_a_new_template_is_registered_by_code_and_generates_a_document(tree, clerk, monkeypatch):
    monkeypatch.setattr(registry, "_TEMPLATES", dict(registry._TEMPLATES))

    @registry.document_template("test.card", name="提醒卡")
    def card(*, person, on_date):
        return OfficialDocument(
            title=f"{person}同志廉政提醒卡",
            body=["请严格遵守廉洁纪律。"],
            issuing_body="甲县纪委",
            date=on_date,
        )

    [doc] = document_generate(
        actor=clerk,
        template="test.card",
        data={"person": "张三", "on_date": date(2026, 11, 24)},
        issuing_unit=tree.jw_a,
        formats=("docx",),
    )
    assert doc.template == "test.card" and doc.title == "张三同志廉政提醒卡"
    with pytest.raises(LookupError):
        registry.get("test.unknown")
