"""API request bodies: refuse an oversized one before anything reads it, and read a chunked
one where the server has de-chunked it."""

from io import BytesIO

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse
from django.utils.translation import gettext as _


class BodySizeLimitMiddleware:
    """413 for an API request whose body is larger than HANDOFF_API_MAX_BODY_BYTES.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) answers 400 once the body is read; an API
    caller should learn that the body is too large, and nothing should be parsed.

    A chunked body (Transfer-Encoding: chunked) has no Content-Length, and Django reads a body
    only as far as that header says: it would parse as empty. A WSGI server that de-chunks it
    (gunicorn) says so with `wsgi.input_terminated`; the body is then read here, up to the limit,
    and given its length. A server that cannot (Django's development server) gets 411.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            limit = settings.HANDOFF_API_MAX_BODY_BYTES
            if _is_chunked(request.META):
                if not request.META.get("wsgi.input_terminated"):
                    return JsonResponse(
                        {
                            "detail": _(
                                "Send the request body with a Content-Length header: this "
                                "server cannot read a chunked body."
                            )
                        },
                        status=411,
                    )
                body = request.META["wsgi.input"].read(limit + 1)
                if len(body) > limit:
                    return _too_large(limit)
                # The request reads its body from this stream, as far as CONTENT_LENGTH says.
                request._stream = LimitedStream(BytesIO(body), len(body))
                request.META["CONTENT_LENGTH"] = str(len(body))
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return _too_large(limit)
        return self.get_response(request)


def _is_chunked(meta) -> bool:
    codings = meta.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in (coding.strip().lower() for coding in codings.split(","))


def _too_large(limit: int) -> JsonResponse:
    message = _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
    return JsonResponse({"detail": message}, status=413)
