"""Project-wide request guards."""

from django.views import defaults


class AdminQueryNulMiddleware:
    """A NUL in an admin URL's query string is a 400 Bad Request. The admin's list filters hand their values to the
    database as they come, and PostgreSQL refuses a NUL in a query (a 500 there; SQLite matches nothing). The public
    pages and the API clean their own parameters (a NUL matches nothing there), so only /admin/ is guarded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            return defaults.bad_request(request, ValueError("NUL in the query string"))
        return self.get_response(request)
