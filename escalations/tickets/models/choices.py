"""Value sets shared by the models. Each value says what it means to a support team."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Live chat"
    WEB_FORM = "web_form", "Web form"
    API = "api", "API"
    CHATBOT = "chatbot", "Chatbot"


class Priority(models.IntegerChoices):
    # Integers so that "raise the priority" and sorting are plain arithmetic.
    LOW = 10, "Low"
    NORMAL = 20, "Normal"
    HIGH = 30, "High"
    URGENT = 40, "Urgent"


class Tier(models.IntegerChoices):
    L1 = 1, "L1"  # first line: general support, the chatbot's first human
    L2 = 2, "L2"  # specialists: billing, technical support
    L3 = 3, "L3"  # engineering and owners of systems


class CustomerTier(models.TextChoices):
    FREE = "free", "Free"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    ENTERPRISE = "enterprise", "Enterprise"
    VIP = "vip", "VIP"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"  # arrived, nobody has looked at it yet
    OPEN = "open", "Open"  # someone is working on it
    PENDING = "pending", "Pending"  # waiting on the customer
    ON_HOLD = "on_hold", "On hold"  # waiting on another team or a third party
    ESCALATED = "escalated", "Escalated"  # handed over to a higher tier or another team
    RESOLVED = "resolved", "Resolved"  # solved; the customer may still reopen it
    CLOSED = "closed", "Closed"  # final; a later reply starts a follow-up ticket


ACTIVE_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.ON_HOLD,
    TicketStatus.ESCALATED,
)


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    AI = "ai", "AI assistant"
    SYSTEM = "system", "System"


class EscalationKind(models.TextChoices):
    REACTIVE = "reactive", "Reactive (customer asked for a human)"
    PROACTIVE = "proactive", "Proactive (AI reached its limits)"
    AGENT_INITIATED = "agent_initiated", "Agent-initiated"
    TIME_BASED = "time_based", "Time-based (SLA at risk)"
    RULE = "rule", _("By a rule")  # a configured rule's escalate action; the rule is named


class AssignmentStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_OPEN = "least_open", "Least open tickets"
    SKILLS = "skills", "Skills match, then least open tickets"
    MANUAL = "manual", "No automatic assignment (the team's queue)"


class AssignmentFallback(models.TextChoices):
    QUEUE = "queue", "Leave it in the team's queue and notify the team lead"
    NEXT_TIER = "next_tier", "Hand it on to the next tier"


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    LEAD = "lead", "Team lead"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    INTEGER = "integer", "Whole number"
    BOOLEAN = "boolean", "Yes / no"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    CHOICE = "choice", "One of a list"
    MULTI_CHOICE = "multi_choice", "Several of a list"
    EMAIL = "email", "Email address"
    URL = "url", "Web address"
