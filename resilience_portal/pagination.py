"""A paginator for lists that may match many thousands of rows (the SME directory).

Counting every match costs a scan of them all on each search; beyond ``limit`` matches a
reader refines the search rather than reading on, so the count stops there: an exact count up
to the limit, "more than" past it, and pages up to the limit only.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_LIMIT = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, limit=COUNT_LIMIT, **kwargs):
        self.limit = limit
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def matches(self):
        """Matches counted up to one past the limit, without sorting them first."""
        return capped_count(self.object_list, self.limit)

    @cached_property
    def more(self):
        """More matches than the limit: the list shows "more than" and its first pages."""
        return self.matches > self.limit

    @cached_property
    def count(self):
        return min(self.matches, self.limit)


def capped_count(queryset, limit=COUNT_LIMIT):
    """The rows counted up to one past ``limit``, without sorting them: a dashboard says
    "more than 1,000" instead of scanning a queue of any length on every visit."""
    return queryset.order_by()[: limit + 1].count()
