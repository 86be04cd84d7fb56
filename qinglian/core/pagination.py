"""List pages paginate the same way everywhere."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: on a table of hundreds of thousands of rows the exact COUNT(*)
    costs more than the page itself (bench/people_list.py). `capped` tells the template to say
    "超过 N 条"; pages beyond the cap are not offered (narrow the filters instead)."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, count_cap: int | None = None):
    """`count_cap`: for lists that can be huge, count no further than that (CappedPaginator)."""
    if count_cap is not None:
        paginator = CappedPaginator(queryset, per_page, cap=count_cap)
    else:
        paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
