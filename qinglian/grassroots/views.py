"""Pages of the grassroots network: thin, through access helpers and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.models import User
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, error_text, form_status
from qinglian.core.pagination import paginate
from qinglian.grassroots import selectors, services
from qinglian.grassroots.access import (
    access_dual_post,
    access_group,
    access_information,
    access_photo,
    access_station,
    access_tasklist,
    access_zone,
)
from qinglian.grassroots.forms import (
    AssignForm,
    DualPostForm,
    EvidenceForm,
    GroupForm,
    MemberForm,
    PowerEditForm,
    StationForm,
    SubmitForm,
    TaskForm,
    TaskListForm,
    TriageForm,
    ZoneForm,
)
from qinglian.grassroots.models import Information, Power, PowerListVersion, Station, Task, Zone
from qinglian.people.models import Cadre, Unit, UnitKind


def _my_stations(user):
    return list(Station.objects.filter(scope(user, "grassroots.submit").units_q("unit__"), is_active=True)
                .select_related("unit").order_by("unit__path"))  # fmt: skip


# --- liaison officers ---------------------------------------------------------------------------


@capability_required("grassroots.submit")
@require_http_methods(["GET", "POST"])
def submit(request):
    stations = _my_stations(request.user)
    form = SubmitForm(request.POST or None, request.FILES or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        station = next((s for s in stations if str(s.pk) == d["station"]), None)
        photos = [(f.name, f.read(), f.content_type) for f in d["photos"]]
        try:
            info = services.information_submit(
                actor=request.user, station=station, category=d["category"], title=d["title"], content=d["content"],
                occurred_on=d["occurred_on"], subject_name=d["subject_name"], photos=photos, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已报送（编号{info.pk}），乡镇纪委将进行研判")
            return redirect("grassroots:mine")
    return render(request, "grassroots/submit.html", {"form": form, "stations": stations},
                  status=form_status(request, form))  # fmt: skip


@capability_required("grassroots.submit")
def mine(request):
    rows = (
        Information.objects.filter(scope(request.user, "grassroots.submit").units_q("unit__"))
        .select_related("station")
        .order_by("-submitted_at", "-id")
    )
    page = paginate(request, rows)
    page.object_list = selectors.with_photo_counts(page.object_list)
    return render(request, "grassroots/mine.html", {"page": page})


@capability_required("grassroots.submit")
def mine_detail(request, info_id: int):
    info = access_information(request.user, info_id)
    if not scope(request.user, "grassroots.submit").contains(info.unit):
        raise Http404("廉情信息不存在")
    return render(request, "grassroots/mine_detail.html", {"info": info, "photos": list(info.photos.all())})


# --- the township commission ------------------------------------------------------------------


@capability_required("grassroots.view")
def information(request):
    status = request.GET.get("status", "submitted")
    if status not in Information.Status.values and status != "all":
        status = "submitted"
    rows = selectors.information_list(viewer=request.user, status="" if status == "all" else status)
    page = paginate(request, rows, count_cap=10_000)
    page.object_list = selectors.with_photo_counts(page.object_list)
    return render(request, "grassroots/information.html", {"page": page, "status": status,
                  "statuses": Information.Status.choices})  # fmt: skip


def _triage_form(request, info):
    s = scope(request.user, "grassroots.triage")
    area = info.unit.parent or info.unit
    cadres = Cadre.objects.filter(s.units_q("unit__"), unit__path__startswith=area.path, status="serving").select_related(
        "unit").order_by("unit__path", "name")[:300]  # fmt: skip
    units = Unit.objects.filter(s.units_q(), path__startswith=area.path, is_active=True).order_by("path")[
        :300
    ]
    from qinglian.intake.referrals import jurisdiction_of

    county = jurisdiction_of(info.unit)
    departments = Unit.objects.filter(path__startswith=county.path if county else area.path, is_active=True).exclude(
        kind__in=[UnitKind.DISCIPLINE_COMMISSION, UnitKind.STATIONED_GROUP, UnitKind.TOWNSHIP_COMMITTEE]
    ).order_by("depth", "path")[:300]  # fmt: skip
    return TriageForm(request.POST or None, cadres=cadres, units=units, departments=departments,
                      initial={"decided_by": request.user.get_full_name() or request.user.username})  # fmt: skip


@capability_required("grassroots.view")
def information_detail(request, info_id: int):
    info = access_information(request.user, info_id)
    audit_record(actor=request.user, action="grassroots.information.read", obj=info, unit_id=info.unit_id,
                 request=request)  # fmt: skip
    form = _triage_form(request, info) if has_capability(request.user, "grassroots.triage") else None
    return render(request, "grassroots/information_detail.html", {"info": info, "photos": list(info.photos.all()),
                  "form": form})  # fmt: skip


@capability_required("grassroots.triage")
@require_POST
def triage(request, info_id: int):
    info = access_information(request.user, info_id)
    form = _triage_form(request, info)
    if form.is_valid():
        d = form.cleaned_data
        s = scope(request.user, "grassroots.triage")
        cadre = Cadre.objects.filter(pk=d["cadre"]).select_related("unit").first() if d["cadre"] else None
        unit = Unit.objects.filter(pk=d["subject_unit"]).first() if d["subject_unit"] else None
        department = Unit.objects.filter(pk=d["department"]).first() if d["department"] else None
        try:
            if (cadre and not s.contains(cadre.unit)) or (unit and not s.contains(unit)):
                raise ValidationError({"cadre": "所选人员或单位不在您的管辖范围内"})
            services.information_triage(
                actor=request.user, information=info, outcome=d["outcome"], decided_by=d["decided_by"],
                note=d["note"], cadre=cadre, subject_unit=unit, problem_type=d["problem_type"] or "other",
                mode=d["mode"] or "refer", department=department, reply_due=d["reply_due"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"matter": "note", "reply_due": "reply_due"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已研判处理")
            return redirect("grassroots:information_detail", info_id=info.pk)
    return render(request, "grassroots/information_detail.html", {"info": info, "photos": list(info.photos.all()),
                  "form": form}, status=400)  # fmt: skip


@capability_required("grassroots.view")
def photo(request, info_id: int, photo_id: int):
    p = access_photo(request.user, info_id, photo_id)
    audit_record(actor=request.user, action="grassroots.photo.read", obj=p.information, unit_id=p.information.unit_id,
                 request=request)  # fmt: skip
    response = HttpResponse(p.read(), content_type=p.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- stations -----------------------------------------------------------------------------------


@capability_required("grassroots.view")
def stations(request):
    return render(request, "grassroots/stations.html", {
        "page": paginate(request, selectors.station_list(viewer=request.user)),
        "can_manage": has_capability(request.user, "grassroots.manage")})  # fmt: skip


@capability_required("grassroots.manage")
@require_http_methods(["GET", "POST"])
def station_new(request):
    s = scope(request.user, "grassroots.manage")
    candidates = list(Unit.objects.filter(s.units_q(), is_active=True, station__isnull=True).exclude(
        kind__in=[UnitKind.TOWNSHIP, UnitKind.JURISDICTION, UnitKind.TOWNSHIP_COMMITTEE]).order_by("path")[:500])  # fmt: skip
    form = StationForm(request.POST or None)
    form.fields["unit"].widget.choices = [(u.pk, u.name) for u in candidates]
    if request.method == "POST" and form.is_valid():
        unit = _pick(candidates, form.cleaned_data["unit"])
        try:
            if unit is None:
                raise ValidationError({"unit": "请选择本辖区内尚未设站的村（社区）或单位"})
            station = services.station_create(actor=request.user, unit=unit, name=form.cleaned_data["name"],
                                              request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("grassroots:station", station_id=station.pk)
    return render(request, "grassroots/station_new.html", {"form": form}, status=form_status(request, form))


@capability_required("grassroots.view")
def station(request, station_id: int):
    st = access_station(request.user, station_id)
    members = st.members.select_related("user", "cadre").order_by("until", "role", "name")
    form = None
    if has_capability(request.user, "grassroots.manage") and scope(
        request.user, "grassroots.manage"
    ).contains(st.unit):
        form = MemberForm()
        form.fields["cadre"].widget.choices = [("", "（不关联干部）")] + [
            (c.pk, c.name) for c in Cadre.objects.filter(unit__path__startswith=(st.unit.parent or st.unit).path,
                                                         status="serving").order_by("name")[:300]]  # fmt: skip
    recent = selectors.information_list(viewer=request.user, station=st)[:10]
    return render(request, "grassroots/station.html", {"station": st, "members": members, "form": form,
                                                       "recent": recent})  # fmt: skip


@capability_required("grassroots.manage")
@require_POST
def member_add(request, station_id: int):
    st = access_station(request.user, station_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        user = User.objects.filter(username=d["username"]).first() if d["username"] else None
        cadre = Cadre.objects.filter(pk=d["cadre"]).first() if d["cadre"] else None
        try:
            if d["username"] and user is None:
                raise ValidationError({"username": "没有这个登录账号"})
            services.member_add(actor=request.user, station=st, role=d["role"], name=d["name"], user=user,
                                cadre=cadre, phone=d["phone"], request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "已添加成员")
    else:
        messages.error(request, "请检查填写的内容")
    return redirect("grassroots:station", station_id=st.pk)


# --- zones and groups ---------------------------------------------------------------------------


@capability_required("grassroots.view")
def zones(request):
    s = scope(request.user, "grassroots.view")
    rows = Zone.objects.filter(s.units_q("office__")).select_related("office").prefetch_related(
        "groups__townships").order_by("name")  # fmt: skip
    return render(request, "grassroots/zones.html",
                  {"zones": rows, "can_manage": has_capability(request.user, "grassroots.manage")})  # fmt: skip


def _pick(candidates, pk):
    return next((u for u in candidates if u.pk == pk), None)


@capability_required("grassroots.manage")
@require_http_methods(["GET", "POST"])
def zone_new(request):
    s = scope(request.user, "grassroots.manage")
    offices = list(Unit.objects.filter(s.units_q(), is_active=True, kind=UnitKind.DISCIPLINE_COMMISSION)
                   .order_by("path")[:200])  # fmt: skip
    form = ZoneForm(request.POST or None)
    form.fields["office"].widget.choices = [(u.pk, u.name) for u in offices]
    if request.method == "POST" and form.is_valid():
        office = _pick(offices, form.cleaned_data["office"])
        try:
            if office is None:
                raise ValidationError({"office": "请选择您管理范围内的纪委监委"})
            services.zone_create(actor=request.user, name=form.cleaned_data["name"], office=office, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已建立协作区，请在其下建立协作组")
            return redirect("grassroots:zones")
    return render(request, "grassroots/form.html", {"form": form, "title": "新建协作区",
                  "back": ("grassroots:zones", "片组协作"), "submit": "建立"},
                  status=form_status(request, form))  # fmt: skip


@capability_required("grassroots.manage")
@require_http_methods(["GET", "POST"])
def group_new(request, zone_id: int):
    zone = access_zone(request.user, zone_id)
    s = scope(request.user, "grassroots.manage")
    townships = list(Unit.objects.filter(s.units_q(), is_active=True, kind=UnitKind.TOWNSHIP).order_by("path")[:300])
    form = GroupForm(request.POST or None)
    form.fields["townships"].choices = [(u.pk, u.name) for u in townships]
    if request.method == "POST" and form.is_valid():
        chosen = [u for u in townships if u.pk in set(form.cleaned_data["townships"])]
        try:
            services.group_create(actor=request.user, zone=zone, name=form.cleaned_data["name"],
                                  townships=chosen, request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已建立协作组")
            return redirect("grassroots:zones")
    return render(request, "grassroots/form.html", {"form": form, "title": f"{zone.name}：新建协作组",
                  "back": ("grassroots:zones", "片组协作"), "submit": "建立"},
                  status=form_status(request, form))  # fmt: skip


@capability_required("grassroots.view")
def group(request, group_id: int):
    g = access_group(request.user, group_id)
    assigned = g.clues.select_related("clue", "clue__unit", "assigned_by").order_by("-assigned_at")
    backlog = services.group_backlog(viewer=request.user, group=g).exclude(
        pk__in=[a.clue_id for a in assigned])[:200]  # fmt: skip
    form = None
    if has_capability(request.user, "grassroots.manage"):
        form = AssignForm()
        form.fields["clue"].widget.choices = [(c.pk, f"{c.number}（{c.unit.name}，{c.get_status_display()}）")
                                              for c in backlog]  # fmt: skip
    return render(request, "grassroots/group.html", {"group": g, "assigned": assigned, "backlog": backlog,
                                                     "form": form})  # fmt: skip


@capability_required("grassroots.manage")
@require_POST
def group_assign(request, group_id: int):
    from qinglian.intake.models import Clue

    g = access_group(request.user, group_id)
    form = AssignForm(request.POST)
    if form.is_valid():
        clue = Clue.objects.filter(pk=form.cleaned_data["clue"]).first()
        try:
            if clue is None:
                raise ValidationError({"clue": "线索不存在"})
            services.group_clue_assign(actor=request.user, group=g, clue=clue, note=form.cleaned_data["note"],
                                       request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"线索{clue.number}已交协作组办理")
    else:
        messages.error(request, "请选择线索")
    return redirect("grassroots:group", group_id=g.pk)


# --- power list -----------------------------------------------------------------------------------


@capability_required("grassroots.view")
def powers(request):
    versions = list(PowerListVersion.objects.order_by("-number"))
    chosen = None
    if request.GET.get("version"):
        chosen = next((v for v in versions if str(v.number) == request.GET["version"]), None)
    chosen = chosen or services.power_list_current() or (versions[0] if versions else None)
    items = list(chosen.powers.order_by("area_number", "number")) if chosen else []
    return render(request, "grassroots/powers.html", {"versions": versions, "chosen": chosen, "items": items,
                  "can_manage": has_capability(request.user, "grassroots.manage")})  # fmt: skip


@capability_required("grassroots.manage")
@require_http_methods(["GET", "POST"])
def power_edit(request):
    current = services.power_list_current() or PowerListVersion.objects.order_by("-number").first()
    form = PowerEditForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rows = [{"area_number": p.area_number, "area": p.area, "number": p.number, "name": p.name, "basis": p.basis}
                for p in (current.powers.all() if current else Power.objects.none())]  # fmt: skip
        rows = [r for r in rows if r["number"] != d["number"]]
        rows.append({k: d[k] for k in ("area_number", "area", "number", "name", "basis")})
        rows.sort(key=lambda r: r["number"])
        try:
            version = services.power_list_revise(actor=request.user, rows=rows, note=d["note"],
                                                 effective_from=d["effective_from"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已生成第{version.number}版")
            return redirect(f"{request.path.rsplit('edit/', 1)[0]}?version={version.number}")
    return render(request, "grassroots/power_edit.html", {"form": form, "current": current},
                  status=form_status(request, form))  # fmt: skip


# --- 一肩挑 ---------------------------------------------------------------------------------------


def _village_heads(user):
    s = scope(user, "grassroots.manage")
    return Cadre.objects.filter(s.units_q("unit__"), unit__kind=UnitKind.VILLAGE, status="serving").select_related(
        "unit").order_by("unit__path", "name")  # fmt: skip


@capability_required("grassroots.view")
@require_http_methods(["GET", "POST"])
def dual_posts(request):
    can_manage = has_capability(request.user, "grassroots.manage")
    form = None
    if can_manage:
        form = DualPostForm(request.POST or None)
        form.fields["cadre"].widget.choices = [
            (c.pk, f"{c.name}（{c.unit.name}）") for c in _village_heads(request.user)[:500]
        ]
        if request.method == "POST" and form.is_valid():
            cadre = _village_heads(request.user).filter(pk=form.cleaned_data["cadre"]).first()
            try:
                if cadre is None:
                    raise ValidationError({"cadre": "请选择本辖区村（社区）的干部"})
                services.dual_post_register(actor=request.user, cadre=cadre, since=form.cleaned_data["since"],
                                            request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                services.dual_post_schedule()
                messages.success(request, "已登记，年度监督事项已列入待办")
                return redirect("grassroots:dual_posts")
    elif request.method == "POST":
        raise PermissionDenied("您的角色无权登记")
    rows = selectors.dual_post_list(viewer=request.user)
    return render(request, "grassroots/dual_posts.html", {"page": paginate(request, rows), "form": form},
                  status=form_status(request, form))  # fmt: skip


@capability_required("grassroots.view")
def dual_post(request, holder_id: int):
    holder = access_dual_post(request.user, holder_id)
    duties = holder.duties.select_related("workitem").order_by("-period", "due_date")
    return render(request, "grassroots/dual_post.html", {"holder": holder, "duties": duties})


# --- task lists -----------------------------------------------------------------------------------


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@capability_required("grassroots.view")
def tasks(request):
    year, today = _year(request), timezone.localdate()
    page = paginate(request, selectors.tasklist_page_rows(viewer=request.user, year=year))
    page.object_list = selectors.with_completion(page.object_list, today)
    return render(request, "grassroots/tasks.html", {"page": page, "year": year,
                  "can_manage": has_capability(request.user, "grassroots.manage")})  # fmt: skip


@capability_required("grassroots.manage")
@require_http_methods(["GET", "POST"])
def tasklist_new(request):
    year = _year(request)
    s = scope(request.user, "grassroots.manage")
    units = list(Unit.objects.filter(s.units_q(), is_active=True).filter(
        Q(kind__in=services.TASK_UNIT_KINDS) | Q(station__isnull=False)).order_by("path")[:500])  # fmt: skip
    form = TaskListForm(request.POST or None, initial={"year": year})
    form.fields["unit"].widget.choices = [(u.pk, u.name) for u in units]
    if request.method == "POST" and form.is_valid():
        unit = _pick(units, form.cleaned_data["unit"])
        try:
            if unit is None:
                raise ValidationError({"unit": "请选择您管理范围内的纪委监委、乡镇纪委、派驻组或联络站"})
            tl = services.tasklist_create(actor=request.user, year=form.cleaned_data["year"], unit=unit,
                                          request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已建立任务清单：共性任务已列入，可再增加自定任务（X）")
            return redirect("grassroots:tasklist", list_id=tl.pk)
    return render(request, "grassroots/form.html", {"form": form, "title": "建立“20+X”任务清单",
                  "back": ("grassroots:tasks", "任务清单"), "submit": "建立"},
                  status=form_status(request, form))  # fmt: skip


def _tasklist_page(request, tl, template, evidence_url):
    items = tl.tasks.select_related("common", "done_by").order_by("due_date", "id")
    return render(request, template, {"tl": tl, "items": items, "today": timezone.localdate(),
                  "task_form": TaskForm(), "evidence_url": evidence_url,
                  "can_add": has_capability(request.user, "grassroots.manage")})  # fmt: skip


@capability_required("grassroots.view")
def tasklist(request, list_id: int):
    return _tasklist_page(request, access_tasklist(request.user, list_id), "grassroots/tasklist.html",
                          "grassroots:task_done")  # fmt: skip


@capability_required("grassroots.manage")
@require_POST
def task_add(request, list_id: int):
    tl = access_tasklist(request.user, list_id)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_add(actor=request.user, task_list=tl, title=form.cleaned_data["title"],
                              due_date=form.cleaned_data["due_date"], request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "已增加自定任务")
    else:
        messages.error(request, "请填写任务名称和完成期限")
    return redirect("grassroots:tasklist", list_id=tl.pk)


def _done(request, task_id: int, back: str):
    task = Task.objects.select_related("task_list").filter(pk=task_id).first()
    if task is None:
        raise Http404("任务不存在")
    tl = access_tasklist(request.user, task.task_list_id)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.task_complete(actor=request.user, task=task, evidence=form.cleaned_data["evidence"],
                                   request=request)  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "已标记完成")
    else:
        messages.error(request, "请填写完成情况与佐证")
    return redirect(back, list_id=tl.pk)


@capability_required("grassroots.manage")
@require_POST
def task_done(request, task_id: int):
    return _done(request, task_id, "grassroots:tasklist")


@capability_required("grassroots.submit")
def my_tasks(request):
    year = _year(request)
    lists = list(
        selectors.task_completion(viewer=request.user, year=year, today=timezone.localdate()).filter(
            scope(request.user, "grassroots.submit").units_q("unit__")
        )
    )
    return render(request, "grassroots/my_tasks.html", {"lists": lists, "year": year})


@capability_required("grassroots.submit")
def my_tasklist(request, list_id: int):
    tl = access_tasklist(request.user, list_id)
    if not scope(request.user, "grassroots.submit").contains(tl.unit):
        raise Http404("任务清单不存在")
    return _tasklist_page(request, tl, "grassroots/tasklist.html", "grassroots:my_task_done")


@capability_required("grassroots.submit")
@require_POST
def my_task_done(request, task_id: int):
    task = Task.objects.select_related("task_list__unit").filter(pk=task_id).first()
    if task is None or not scope(request.user, "grassroots.submit").contains(task.task_list.unit):
        raise Http404("任务不存在")
    return _done(request, task_id, "grassroots:my_tasklist")
