from rest_framework.authentication import SessionAuthentication


class BrowserSessionAuthentication(SessionAuthentication):
    """Session auth that answers 401 (not 403) when nobody is logged in."""

    def authenticate_header(self, request):
        return 'Session realm="handoff"'
