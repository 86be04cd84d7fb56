"""Property-based fuzz of the public form and the follow-up page: whatever is sent, the answer is
never a server error. The slow test sends at least 10,000 requests; the normal suite a few hundred."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from qinglian.front import abuse
from qinglian.front.tests.helpers import REPORT_URL, report_data

FIELDS = ["mode", "reporter_name", "reporter_unit", "reporter_phone", "subject_name", "subject_unit",
          "subject_post", "problem_type", "facts", "when", "where", "unit", "u", "challenge",
          "challenge_token", "code", "body", "action"]  # fmt: skip
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "real", "anonymous", "reply", "<script>alert(1)</script>", "0" * 5000,
                     "１２３", "٣", "-1", "1e9", "%00", "../../etc/passwd", "\u202e", "9" * 200]),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
)  # fmt: skip
values = st.one_of(nasty_text, st.lists(nasty_text, min_size=2, max_size=3))
files = st.lists(
    st.tuples(
        st.sampled_from(["a.jpg", "a.png", "a.pdf", "a.txt", "a.docx", "a.svg", "..a", "a", "x" * 300, "a.JPG"]),
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([b"\xff\xd8\xff\xe0garbage", b"\x89PNG\r\n\x1a\nxx", b"%PDF-1.4", b"PK\x03\x04",
                             b"<svg onload=x>", b"MZ"]),
        ),
    ),
    max_size=3,
)  # fmt: skip


def _answer(question: str) -> str:
    a, b = re.match(r"(\d+) 加 (\d+)", question).groups()
    return str(int(a) + int(b))


@st.composite
def report_posts(draw):
    base = draw(st.booleans())
    data = report_data() if base else {}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=8, unique=True)):
        data[key] = draw(values)
    if draw(st.booleans()):  # get past the challenge, to reach the deeper checks
        question, token = abuse.challenge_new()
        data["challenge"], data["challenge_token"] = _answer(question), token
    for name, content in draw(files):
        data.setdefault("files", []).append(SimpleUploadedFile(name, content))
    return data


@st.composite
def follow_posts(draw):
    data = {}
    for key in draw(st.lists(st.sampled_from(["code", "body", "action"]), max_size=3, unique=True)):
        data[key] = draw(values)
    if draw(st.booleans()):
        data["code"] = draw(st.sampled_from(["VALID", "valid-lower", "0000-0000-0000-0000-0000"]))
        data["action"] = draw(st.sampled_from(["reply", "", "x"]))
    for name, content in draw(files):
        data.setdefault("files", []).append(SimpleUploadedFile(name, content))
    return data


def _fuzz(client, settings, examples: int):
    from qinglian.front.services import submission_create

    settings.QINGLIAN_PUBLIC_SUBMIT_LIMIT = 10**9
    settings.QINGLIAN_PUBLIC_LOOKUP_LIMIT = 10**9
    code, _ = submission_create(report={"unit": "", "problem_type": "other", "identity": None,
                                        "content": {"facts": "基准举报内容：某人收受好处费。"}})  # fmt: skip
    sent = {"n": 0}

    @hsettings(max_examples=examples, deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])  # fmt: skip
    @given(
        report=report_posts(), follow=follow_posts(), method=st.sampled_from(["POST", "POST", "GET", "PUT"])
    )
    def run(report, follow, method):
        if follow.get("code") == "VALID":
            follow["code"] = code
        elif follow.get("code") == "valid-lower":
            follow["code"] = code.lower()
        if method == "GET":
            r1 = client.get(REPORT_URL, {k: v for k, v in report.items() if k != "files"})
        elif method == "PUT":
            r1 = client.put(REPORT_URL, "x")
        else:
            r1 = client.post(REPORT_URL, report)
        r2 = client.post("/report/follow/", follow)
        sent["n"] += 2
        assert r1.status_code < 500, r1.content[:500]
        assert r2.status_code < 500, r2.content[:500]

    run()
    return sent["n"]


def test_fuzz_public_pages_never_answer_with_a_server_error(client, db, settings):
    assert _fuzz(client, settings, examples=150) >= 300


@pytest.mark.slow
def test_fuzz_public_pages_ten_thousand_requests(client, db, settings):
    assert _fuzz(client, settings, examples=5000) >= 10_000
