"""How the OpenAPI schema describes Handoff's own authentication classes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "escalations.api.auth.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class SignedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "escalations.api.auth.SignedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`; signed callers also send X-Handoff-Timestamp and "
            'X-Handoff-Signature: sha256=<HMAC of "<timestamp>.<body>">.',
        }
