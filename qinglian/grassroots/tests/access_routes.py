"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _station(tree, unit):
    from django.utils import timezone

    from qinglian.grassroots.models import Station

    return Station.objects.get_or_create(unit=unit, defaults={"kind": "village", "name": f"{unit.name}联络站",
                                                              "created_at": timezone.now()})[0]  # fmt: skip


def _information(tree, unit):
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.grassroots.models import Information

    return Information.objects.create(station=_station(tree, unit), unit=unit, category="opinion", title="矩阵",
                                      content="矩阵", submitted_by=User.objects.order_by("pk")[0],
                                      submitted_at=timezone.now()).pk  # fmt: skip


def _photo(tree, unit):
    from django.core.files.base import ContentFile

    from qinglian.core import crypto
    from qinglian.grassroots.models import Photo

    info_id = _information(tree, unit)
    p = Photo(information_id=info_id, name="a.png", content_type="image/png", size=8)
    p.file.save("m.bin", ContentFile(crypto.encrypt_bytes(b"\x89PNG\r\n\x1a\n", purpose=Photo.PURPOSE)), save=False)
    p.save()
    return f"{info_id}/photos/{p.pk}"


def _tasklist(tree, unit):
    from django.utils import timezone

    from qinglian.grassroots.models import TaskList

    return TaskList.objects.get_or_create(year=2026, unit=unit, defaults={"created_at": timezone.now()})[0].pk


def _group(tree, unit):
    from django.utils import timezone

    from qinglian.grassroots.models import Zone, ZoneGroup

    zone = Zone.objects.create(name="矩阵协作区", office=unit, created_at=timezone.now())
    group = ZoneGroup.objects.create(zone=zone, name="矩阵协作组")
    group.townships.set([unit])
    return group.pk


def _zone(tree, unit):
    from django.utils import timezone

    from qinglian.grassroots.models import Zone

    return Zone.objects.create(name="矩阵协作区", office=unit, created_at=timezone.now()).pk


def _dual_post(tree, unit):
    from datetime import date

    from django.utils import timezone

    from qinglian.core.tests.test_access_matrix import _cadre
    from qinglian.grassroots.models import DualPost

    return DualPost.objects.create(cadre=_cadre(tree, unit), village=unit, since=date(2025, 1, 1),
                                   registered_at=timezone.now()).pk  # fmt: skip


OBJECTS: dict = {
    "grass_information": _information,
    "grass_photo": _photo,
    "grass_station": lambda tree, unit: _station(tree, unit).pk,
    "grass_tasklist": _tasklist,
    "grass_group": _group,
    "grass_zone": _zone,
    "grass_dual_post": _dual_post,
}
ROUTES: dict = {
    "grassroots:submit": Route("/grassroots/submit/"),
    "grassroots:mine": Route("/grassroots/mine/"),
    "grassroots:mine_detail": Route("/grassroots/mine/{obj}/", obj="grass_information"),
    "grassroots:my_tasks": Route("/grassroots/mine/tasks/"),
    "grassroots:my_tasklist": Route("/grassroots/mine/tasks/{obj}/", obj="grass_tasklist"),
    "grassroots:my_task_done": Route("/grassroots/mine/tasks/items/1/done/", method="POST"),
    "grassroots:information": Route("/grassroots/information/"),
    "grassroots:information_detail": Route("/grassroots/information/{obj}/", obj="grass_information"),
    "grassroots:triage": Route(
        "/grassroots/information/{obj}/triage/", method="POST", obj="grass_information"
    ),
    "grassroots:photo": Route("/grassroots/information/{obj}/", obj="grass_photo"),
    "grassroots:stations": Route("/grassroots/stations/"),
    "grassroots:station_new": Route("/grassroots/stations/new/"),
    "grassroots:station": Route("/grassroots/stations/{obj}/", obj="grass_station"),
    "grassroots:member_add": Route("/grassroots/stations/{obj}/members/", method="POST", obj="grass_station"),
    "grassroots:zones": Route("/grassroots/zones/"),
    "grassroots:zone_new": Route("/grassroots/zones/new/"),
    "grassroots:group_new": Route("/grassroots/zones/{obj}/groups/new/", obj="grass_zone"),
    "grassroots:group": Route("/grassroots/zones/groups/{obj}/", obj="grass_group"),
    "grassroots:group_assign": Route(
        "/grassroots/zones/groups/{obj}/assign/", method="POST", obj="grass_group"
    ),
    "grassroots:powers": Route("/grassroots/powers/"),
    "grassroots:power_edit": Route("/grassroots/powers/edit/"),
    "grassroots:dual_posts": Route("/grassroots/dual-posts/"),
    "grassroots:dual_post": Route("/grassroots/dual-posts/{obj}/", obj="grass_dual_post"),
    "grassroots:tasks": Route("/grassroots/tasks/"),
    "grassroots:tasklist_new": Route("/grassroots/tasks/new/"),
    "grassroots:tasklist": Route("/grassroots/tasks/{obj}/", obj="grass_tasklist"),
    "grassroots:task_add": Route("/grassroots/tasks/{obj}/add/", method="POST", obj="grass_tasklist"),
    "grassroots:task_done": Route("/grassroots/tasks/items/1/done/", method="POST"),
}
