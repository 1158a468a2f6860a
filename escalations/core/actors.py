"""Who did something: the actor recorded on every audit event."""

from dataclasses import dataclass
from typing import Any

from escalations.core.models import ActorKind


@dataclass(frozen=True)
class Actor:
    kind: str  # an ActorKind value
    user: Any = None
    label: str = ""

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(kind=ActorKind.USER, user=user, label=user.get_username())

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(kind=ActorKind.SYSTEM, label=label)

    @classmethod
    def api(cls, user, client: str = "") -> "Actor":
        return cls(kind=ActorKind.API, user=user, label=client or user.get_username())

    @classmethod
    def rule(cls, label: str) -> "Actor":
        return cls(kind=ActorKind.RULE, label=label)
