"""How the OpenAPI schema describes Handoff's own authentication classes and inputs."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import get_doc

from escalations.core.api.strict import RefusesUnknownFields


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "escalations.core.api.auth.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class SignedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "escalations.core.api.auth.SignedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`; signed callers also send X-Handoff-Timestamp and "
            'X-Handoff-Signature: sha256=<HMAC of "<timestamp>.<body>">.',
        }


class RefusesUnknownFieldsScheme(OpenApiSerializerExtension):
    """An input that refuses unknown fields says so: no properties beyond its own."""

    target_class = "escalations.core.api.strict.RefusesUnknownFields"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if schema.get("description") == get_doc(RefusesUnknownFields):
            del schema["description"]  # the mixin's docstring is about the code, not the input
        return {**schema, "additionalProperties": False}
