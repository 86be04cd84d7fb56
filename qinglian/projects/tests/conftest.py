"""Users of the projects tests on the shared tree (root conftest.py): an organiser, a verifier,
report-side units (a township commission, a stationed group, a task-force agency) and outsiders."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest


@dataclass
class PJ:
    tree: object
    zuzhi: object  # org_supervision at county A: manages, verifies
    jiwei: object  # discipline_supervision at county A
    township: object  # township_committee at 甲镇: reports for 甲镇 and its villages
    stationed: object  # stationed_group PZ1: reports for A1 and A2
    agency: object  # taskforce_agency, account in 甲县水利局 (A3): reports for A3 only
    agency_b: object  # taskforce_agency in 乙县教育局: another unit entirely
    outsider: object  # org_supervision at county B
    leader: object  # leadership at county A (read only)


@pytest.fixture
def pj(tree, make_user) -> PJ:
    return PJ(
        tree=tree,
        zuzhi=make_user("org_supervision", tree.county_a),
        jiwei=make_user("discipline_supervision", tree.county_a),
        township=make_user("township_committee", tree.township),
        stationed=make_user("stationed_group", tree.pz1),
        agency=make_user("taskforce_agency", None, unit=tree.dept_a3),
        agency_b=make_user("taskforce_agency", None, unit=tree.dept_b1),
        outsider=make_user("org_supervision", tree.county_b),
        leader=make_user("leadership", tree.county_a),
    )


def pdf_bytes(text: str = "evidence") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text.encode() + b"\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
