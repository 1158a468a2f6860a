"""How the OpenAPI schema describes Handoff's own authentication classes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "escalations.api.auth.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
