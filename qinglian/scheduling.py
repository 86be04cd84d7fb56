"""Every periodic job, in one place. The scheduler only enqueues tasks; the worker runs them.

Nothing periodic is ever triggered by a page view.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.module_loading import import_string

log = logging.getLogger("qinglian.scheduler")


@dataclass(frozen=True)
class Job:
    task: str  # import path of a django_tasks Task
    cron: dict  # APScheduler CronTrigger fields, Asia/Shanghai
    description: str


JOBS: list[Job] = [
    Job("qinglian.workitems.tasks.scan_workitems", {"minute": "*/15"}, "待办提醒与逾期督办扫描"),
    Job("qinglian.audit.tasks.checkpoint_audit_chain", {"minute": "5"}, "审计链头检查点（每小时）"),
    Job(
        "qinglian.archive.tasks.nightly_archive_scan", {"hour": "1", "minute": "30"}, "档案等次与预警夜间扫描"
    ),
    Job(
        "qinglian.cards.tasks.scan_talk_triggers",
        {"hour": "1", "minute": "50"},
        "十必谈情形扫描（生成谈话待办）",
    ),
    Job(
        "qinglian.groups.tasks.recompute_groups",
        {"hour": "0", "minute": "20"},
        "分类监督分组成员每日重算（年龄随日期变化）",
    ),
    Job("qinglian.intake.tasks.front_exchange", {"minute": "*"}, "网上举报：从外网前置拉取、推送回复"),
    Job(
        "qinglian.inspections.tasks.monthly_circulars",
        {"day": "1", "hour": "6", "minute": "10"},
        "巡察整改督查通报（每月逾期事项）",
    ),
    Job(
        "qinglian.appointments.tasks.reverse_scan_daily",
        {"hour": "2", "minute": "10"},
        "倒查：任前问题后受处分的提拔干部（每日补查）",
    ),
    Job(
        "qinglian.declarations.tasks.open_annual_reports",
        {"month": "1", "hour": "2", "minute": "10"},
        "个人有关事项年度报告待办（每年1月每日）",
    ),
    Job(
        "qinglian.grassroots.tasks.schedule_dual_posts",
        {"hour": "0", "minute": "40"},
        "“一肩挑”年度/半年度监督事项待办（每日）",
    ),
    Job(
        "qinglian.taskforce.tasks.scan_missing_reports",
        {"hour": "1", "minute": "20"},
        "专班月报表缺报待办（每日；上月报表期限过后生成）",
    ),
    Job(
        "qinglian.jointwork.tasks.schedule_meetings",
        {"hour": "0", "minute": "45"},
        "联席会议计划“召开会议”待办（每日）",
    ),
    Job(
        "qinglian.projects.tasks.responsibility_followup",
        {"hour": "1", "minute": "25"},
        "“十廉”清单月度进展缺报待办（每日）",
    ),
    Job(
        "qinglian.registries.tasks.cleanup_abandoned_imports",
        {"hour": "3", "minute": "30"},
        "外部数据导入中断清理（失败快照残留数据）",
    ),
    Job("qinglian.matching.tasks.nightly_run", {"hour": "2", "minute": "40"}, "大数据比对夜间增量运行"),
]


def enqueue(job: Job) -> None:
    try:
        import_string(job.task).enqueue()
    except Exception:  # a failing job must not stop the scheduler; the log says which one
        log.exception("could not enqueue %s", job.task)


def run_scheduler() -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    for job in JOBS:
        scheduler.add_job(
            enqueue,
            CronTrigger(timezone="Asia/Shanghai", **job.cron),
            args=[job],
            id=job.task,
            name=job.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=600,
        )
    log.info("scheduler started with %d jobs", len(JOBS))
    scheduler.start()
