"""Per-request set-up shared by the admin and the API."""

from escalations.core.unit_of_work import request_memo


class ConfigurationMemoMiddleware:
    """Configuration (and its token) is read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_memo():
            return self.get_response(request)
