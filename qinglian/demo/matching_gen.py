"""Cross-matching in the demo: a full run over the demo registries (the registries generator
plants the conflicts), through the matching services as the commission's supervision office
(jiancha); the first hit is acknowledged so the life of a hit shows.

Call: `generate(users={u.username: u for u in User.objects.filter(username__in=["jiancha"])})`,
after the registries generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from qinglian.matching import services
from qinglian.matching.models import Hit, MatchRun


@dataclass
class Summary:
    run: int
    status: str
    links: int
    hits: int
    by_rule: dict

    def __str__(self):
        return f"比对运行{self.run}（{self.status}）：关联{self.links}个，线索{self.hits}条 {self.by_rule}"


def generate(*, users: dict) -> Summary:
    actor = users["jiancha"]
    services.sector_mapping_seed_defaults()
    run = services.run_request(actor=actor, kind=MatchRun.Kind.FULL, enqueue=False)
    run = services.run_execute(run)
    first = Hit.objects.filter(last_run=run, status=Hit.Status.NEW).order_by("pk").first()
    if first is not None:
        services.hit_acknowledge(actor=actor, hit=first, note="已签收，安排核实")
    return Summary(run=run.pk, status=run.status, links=run.counts.get("links", 0), hits=run.counts.get("hits", 0),
                   by_rule=run.counts.get("by_rule", {}))  # fmt: skip
