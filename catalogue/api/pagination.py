"""Page-number pagination with a bounded, client-chosen page size.

A malformed `page` or `page_size` (not a whole number, or out of its documented range) is a 400 naming the
parameter, like every other invalid parameter; a well-formed page past the last one is a 404.
"""

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from catalogue.public.pagination import DeferredJoinPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # "last" is not a number: a 400 like any other word

    def paginate_queryset(self, queryset, request, view=None):
        # A page's rows are read from the view's unfiltered, unsearched queryset (see DeferredJoinPaginator).
        self.rows = view.get_queryset() if view is not None else None
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        """Called by DRF as `self.django_paginator_class(queryset, page_size)`: deep pages cost about what the
        first does."""
        return DeferredJoinPaginator(queryset, page_size, rows=self.rows)

    def get_page_size(self, request):
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        return self.whole_number(request, self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        if self.page_query_param not in request.query_params:
            return 1
        return self.whole_number(request, self.page_query_param)

    @staticmethod
    def whole_number(request, name: str, *, maximum: int | None = None) -> int:
        value = request.query_params[name]
        number = int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else 0
        if number < 1 or (maximum is not None and number > maximum):
            if maximum is None:
                message = _("Enter a whole number of at least 1.")
            else:
                message = _("Enter a whole number from 1 to %(maximum)d.") % {"maximum": maximum}
            raise ValidationError({name: [message]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": 999_999_999},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
        }
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", **bounds[parameter["name"]]}
        return parameters
