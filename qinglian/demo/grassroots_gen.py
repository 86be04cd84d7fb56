"""The grassroots network of the demo county (东湖县), seeded, through the grassroots services.

A station for every village of the county; the demo liaison officer (lianluo) at 清溪镇's first
village submits integrity information (some with a photo), and the township commission (xiangzhen)
triages part of it into the archive, intake or a 三办 referral; 一肩挑 village heads with their
scheduled to-dos; "20+X" task lists for 清溪镇's commission and stations, partly done; one
cooperation zone with groups of three townships.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["xiangzhen", "lianluo"])})`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from qinglian.grassroots import services
from qinglian.grassroots.models import DualPost, Station
from qinglian.people.models import Cadre, Unit, UnitKind

ITEMS = [
    (
        "personal_matters",
        "{head}为女儿操办婚宴",
        "听村民反映，{head}近日为女儿操办婚宴，约二十余桌，有村内承包户参加。",
    ),
    ("opinion", "低保评议结果未公示", "多名村民反映今年低保评议结果没有在村务公开栏公示。"),
    ("village_affairs", "村集体鱼塘发包未经村民代表会议", "村集体鱼塘续包，村民称未召开村民代表会议讨论。"),
    ("org_life", "支部三季度未开展主题党日", "支部三季度主题党日活动未开展，党员学习记录空白。"),
    ("village_affairs", "村道路灯损坏无人修", "村东头道路路灯损坏两个多月，群众多次反映无人处理。"),
    ("opinion", "危房改造对象评议有异议", "有村民对危房改造对象名单有意见，认为评议不公开。"),
    ("personal_matters", "{head}父亲丧事", "{head}父亲去世，丧事从简，已向镇党委报告。"),
    ("village_affairs", "工程项目结算迟迟未公开", "村委会办公楼维修工程已完工，结算情况未公开。"),
    ("org_life", "村务监督委员会未列席两委会", "村务监督委员会成员反映近两次两委会未通知其列席。"),
    ("opinion", "群众反映垃圾清运不及时", "村口垃圾堆积，清运不及时，影响环境卫生。"),
    ("village_affairs", "集体土地流转费未按时发放", "部分农户反映今年的土地流转费尚未发放到位。"),
    ("opinion", "村干部工作时间经常不在岗", "群众反映办事时经常找不到村干部。"),
]


@dataclass
class Summary:
    stations: int = 0
    information: int = 0
    triaged: int = 0
    dual_posts: int = 0
    duties: int = 0
    task_lists: int = 0


def _photo(rng: random.Random) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    img.save(out, format="JPEG")
    return out.getvalue()


def generate(*, users: dict, seed: int = 20261126, today=None) -> Summary:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    summary = Summary()
    committee_user, officer = users.get("xiangzhen"), users.get("lianluo")
    county = Unit.objects.get(code="QL-DH")
    villages = list(Unit.objects.filter(path__startswith=county.path, kind=UnitKind.VILLAGE, is_active=True)
                    .select_related("parent").order_by("path"))  # fmt: skip
    for v in villages:
        if not Station.objects.filter(unit=v).exists():
            services.station_create(actor=None, unit=v)
            summary.stations += 1
    heads = {}
    for c in Cadre.objects.filter(unit__in=villages, status="serving").select_related("unit").order_by("id"):
        heads.setdefault(c.unit_id, c)
    stations = {s.unit_id: s for s in Station.objects.filter(unit__in=villages)}
    for unit_id, head in heads.items():
        services.member_add(actor=None, station=stations[unit_id], role="head", cadre=head)
    first = Unit.objects.filter(code="QL-DH-T01-V01").first()
    if officer is not None and first is not None and first.pk in stations:
        st = stations[first.pk]
        services.member_add(actor=None, station=st, role="liaison", user=officer)
        head = heads.get(first.pk)
        infos = []
        for i, (category, title, content) in enumerate(ITEMS):
            name = head.name if head else "村书记"
            info = services.information_submit(
                actor=officer, station=st, category=category, title=title.format(head=name),
                content=content.format(head=name), occurred_on=today - timedelta(days=rng.randint(1, 60)),
                subject_name=name if "{head}" in title else "",
                photos=[(f"photo{i}.jpg", _photo(rng), "image/jpeg")] if i % 3 == 0 else [],
            )  # fmt: skip
            infos.append(info)
        summary.information = len(infos)
        if committee_user is not None and head is not None:
            services.information_triage(actor=committee_user, information=infos[0], outcome="archive",
                                        decided_by="镇纪委书记", cadre=head, note="未经核实，存档备查")  # fmt: skip
            services.information_triage(actor=committee_user, information=infos[2], outcome="clue",
                                        decided_by="镇纪委书记", cadre=head, problem_type="integrity")  # fmt: skip
            services.information_triage(
                actor=committee_user, information=infos[4], outcome="referral", decided_by="镇纪委书记",
                mode="refer", department=first.parent, reply_due=today + timedelta(days=15),
                matter="请镇政府组织修复村道路灯并答复群众",
            )  # fmt: skip
            summary.triaged = 3
    # 一肩挑: the register's flagged heads, and the first cadre of 清溪镇's villages otherwise.
    before = DualPost.objects.count()
    for v in villages:
        if v.parent and v.parent.code == "QL-DH-T01" and v.pk in heads:
            if not DualPost.objects.filter(village=v, until__isnull=True).exists():
                services.dual_post_register(actor=None, cadre=heads[v.pk], since=today - timedelta(days=400))
    summary.duties = services.dual_post_schedule(today)
    summary.dual_posts = DualPost.objects.count() - before
    # Task lists for 清溪镇.
    t01 = Unit.objects.filter(code="QL-DH-T01").first()
    if t01 is not None:
        owners = [u for u in Unit.objects.filter(parent=t01, kind=UnitKind.TOWNSHIP_COMMITTEE)] + [
            stations[v.pk].unit for v in villages if v.parent_id == t01.pk
        ]
        for unit in owners:
            tl = services.tasklist_create(actor=None, year=today.year, unit=unit)
            services.task_add(actor=None, task_list=tl, title="开展村级权力清单执行情况检查",
                              due_date=today.replace(month=12, day=31))  # fmt: skip
            summary.task_lists += 1
            for task in tl.tasks.filter(due_date__lt=today).order_by("due_date"):
                if rng.random() < 0.7:
                    services.task_complete(actor=None, task=task, evidence="已完成，材料存站务台账")
    # 片组协作: groups of three townships under the county commission.
    commission = Unit.objects.filter(parent=county, kind=UnitKind.DISCIPLINE_COMMISSION).first()
    townships = list(Unit.objects.filter(parent=county, kind=UnitKind.TOWNSHIP).order_by("code"))
    if commission is not None and townships:
        zone = services.zone_create(actor=None, name="第一协作区", office=commission)
        for i in range(0, len(townships), 3):
            services.group_create(
                actor=None, zone=zone, name=f"第{i // 3 + 1}协作组", townships=townships[i : i + 3]
            )
    return summary
