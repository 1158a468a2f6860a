"""One row whose token changes whenever configuration changes, in the same transaction.

Processes keep what they read of the configuration (live rules, SLA and escalation policies,
calendars, permissions, signed callers) under the token they read it with; a request reads the
token once and uses what is kept for it. A token, not a counter: a rolled-back change never
makes a number that another change could use again.
"""

from django.db import models


class ConfigRevision(models.Model):
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "configuration revision"

    def __str__(self) -> str:
        return self.token
