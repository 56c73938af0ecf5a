"""A paginator for lists that may match many thousands of rows (the SME directory).

Counting every match costs a scan of them all on each search; beyond ``limit`` matches a
reader refines the search rather than reading on, so the count stops there: an exact count up
to the limit, "more than" past it, and pages up to the limit only.
"""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, limit=1000, **kwargs):
        self.limit = limit
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def matches(self):
        """Matches counted up to one past the limit, without sorting them first."""
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def more(self):
        """More matches than the limit: the list shows "more than" and its first pages."""
        return self.matches > self.limit

    @cached_property
    def count(self):
        return min(self.matches, self.limit)
