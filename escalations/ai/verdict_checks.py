"""What each check of an AI verdict against its escalation policy says, passed or failed.

A verdict keeps its checks as plain data (name, passed, value, threshold); the sentence a
person reads is made here, from that data, for every reader alike: the reasons recorded when a
verdict escalates, the admin's check list and the API's answer.
"""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext

from escalations.tickets.models import CustomerTier


def check_text(check: Mapping, *, policy_name: str = "") -> str:
    """The sentence for one check: why it failed, or what it found when it passed."""
    name, passed = check.get("name", ""), bool(check.get("passed"))
    value, threshold = check.get("value"), check.get("threshold")
    policy = policy_name or gettext("The policy")
    if name == "always_human":
        return gettext("%(policy)s always requires a human.") % {"policy": policy}
    if name == "handoff_requested":
        if passed:
            return gettext("The bot did not ask to hand over.")
        return gettext("The bot asked to hand over.")
    if name == "confidence":
        numbers = {"value": _number(value), "threshold": _number(threshold)}
        if value is None:
            return gettext("The AI gave no confidence; %(policy)s needs %(threshold)s.") % {
                "policy": policy,
                **numbers,
            }
        if passed:
            return gettext("AI confidence %(value)s is at least %(threshold)s.") % numbers
        return gettext("AI confidence %(value)s is below %(threshold)s.") % numbers
    if name == "sentiment":
        numbers = {"value": _number(value), "threshold": _number(threshold)}
        if passed:
            return gettext("Sentiment %(value)s is at least %(threshold)s.") % numbers
        return gettext("Sentiment %(value)s is below %(threshold)s.") % numbers
    if name == "keywords":
        if passed or not value:
            return gettext("The customer wrote none of the keywords.")
        return gettext("The customer wrote %(found)s.") % {"found": _listed(value)}
    if name == "customer_tier":
        tier = _tier_label(value)
        if passed:
            return gettext("%(tier)s customers may stay with the AI.") % {"tier": tier}
        return gettext("%(tier)s customers always go to a person.") % {"tier": tier}
    if name == "required_fields":
        if passed or not value:
            return gettext("Every required field is filled in.")
        return gettext("Required field(s) missing: %(fields)s.") % {"fields": _listed(value)}
    if name == "field_formats":
        if passed or not value:
            return gettext("Every field the AI collected fits its format.")
        problems = check.get("problems") or value
        return gettext("Field(s) failing their format: %(problems)s.") % {
            "problems": "; ".join(str(p) for p in problems)
        }
    if name == "flags":
        if passed or not value:
            return gettext("The AI raised none of the flags that need a person.")
        return gettext("The AI flagged %(flags)s.") % {"flags": _listed(value)}
    if name == "ambiguous":
        if passed:
            return gettext("The AI did not find the request ambiguous.")
        return gettext("The AI found the request ambiguous.")
    # A check this version does not know (kept from an older one): what it recorded.
    return str(check.get("detail") or name)


def _number(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def _listed(values) -> str:
    if isinstance(values, str):
        return values or "—"
    if isinstance(values, Sequence):
        return ", ".join(str(v) for v in values) or "—"
    return str(values)


def _tier_label(value) -> str:
    if not value:
        return gettext("Untiered")
    try:
        return str(CustomerTier(value).label)
    except ValueError:
        return str(value)
