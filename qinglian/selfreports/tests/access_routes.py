"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _cadre(unit):
    from datetime import date

    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.people.cadre_services import cadre_create
    from qinglian.people.models import Cadre

    n = Cadre.objects.count() + 1
    data = {
        "name": f"述职{n}",
        "id_number": parse(make(DEMO_REGION, date(1975, 1, 1), n)),
        "unit": unit,
        "post_level": "staff",
        "gender": "male" if n % 2 else "female",
        "birth_date": date(1975, 1, 1),
    }
    return cadre_create(actor=None, data=data)


def _report(tree, unit, year: int = 2024):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from qinglian.selfreports.models import SelfReport

    cadre = _cadre(unit)
    r = SelfReport(cadre=cadre, unit=unit, year=year, kind="shuzhi", filename=f"{cadre.name}.txt", file_format="txt",
                   sha256=f"{SelfReport.objects.count():064d}", size=10, text="矩阵测试文本" * 5, chars=30,
                   uploaded_at=timezone.now())  # fmt: skip
    r.file.save("m.txt", ContentFile("矩阵测试文本".encode()), save=False)
    r.save()
    return r


def _run(tree, unit):
    from django.utils import timezone

    from qinglian.selfreports.models import DetectionRun

    return DetectionRun.objects.create(
        scope_unit=unit, threshold="0.50", created_at=timezone.now(), status="done"
    )


def report_obj(tree, unit):
    return _report(tree, unit).pk


def run_obj(tree, unit):
    return _run(tree, unit).pk


def pair_obj(tree, unit):
    from qinglian.selfreports.models import CopyPair

    a, b = _report(tree, unit, year=2023), _report(tree, unit, year=2024)
    return CopyPair.objects.create(run=_run(tree, unit), report_a=a, report_b=b, jaccard=0.9).pk


OBJECTS: dict = {
    "selfreport": report_obj,
    "selfreport_run": run_obj,
    "selfreport_pair": pair_obj,
}
ROUTES: dict = {
    "selfreports:reports": Route("/self-reports/"),
    "selfreports:upload": Route("/self-reports/upload/"),
    "selfreports:report": Route("/self-reports/reports/{obj}/", obj="selfreport"),
    "selfreports:report_file": Route("/self-reports/reports/{obj}/file/", obj="selfreport"),
    "selfreports:runs": Route("/self-reports/runs/"),
    "selfreports:run_new": Route("/self-reports/runs/new/", method="POST"),
    "selfreports:run": Route("/self-reports/runs/{obj}/", obj="selfreport_run"),
    "selfreports:pair": Route("/self-reports/pairs/{obj}/", obj="selfreport_pair"),
    "selfreports:pair_finding": Route(
        "/self-reports/pairs/{obj}/finding/", method="POST", obj="selfreport_pair"
    ),
}
