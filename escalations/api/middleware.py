"""Refuse an oversized API request body before anything reads it."""

from django.conf import settings
from django.http import JsonResponse


class BodySizeLimitMiddleware:
    """413 for an API request whose declared body is larger than HANDOFF_API_MAX_BODY_BYTES.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) answers 400 once the body is read; an API
    caller should learn that the body is too large, and nothing should be parsed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            limit = settings.HANDOFF_API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse(
                    {"detail": f"The request body is larger than {limit} bytes."}, status=413
                )
        return self.get_response(request)
