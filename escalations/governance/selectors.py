"""Reads for governance."""

from escalations.core.config_cache import config_cached
from escalations.governance.models import WorkProcess
from escalations.sla.models import SlaPolicy


def known_request_types() -> tuple[str, ...]:
    """The request types (ticket topics) the configuration names: SLA policies' topics and work
    processes' request types; kept with the configuration."""

    def read():
        found = set()
        for topics in SlaPolicy.objects.values_list("match_topics", flat=True):
            found.update(t for t in topics or [] if isinstance(t, str))
        for topics in WorkProcess.objects.values_list("request_types", flat=True):
            found.update(t for t in topics or [] if isinstance(t, str))
        return tuple(sorted(found))

    return config_cached("request_types", None, read)
