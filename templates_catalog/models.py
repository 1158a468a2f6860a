"""The catalog: workflow templates as loaded from their files (the definition; a workspace made
from one is the run, and records the template's slug and version)."""

from django.db import models
from simple_history.models import HistoricalRecords


class WorkflowTemplate(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=60)
    audience = models.CharField("who it is for", max_length=300)
    description = models.TextField()
    spec = models.JSONField(help_text="The whole template, as its file says (format 1).")
    source = models.CharField(max_length=200, help_text="The file it was loaded from.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file as loaded.")
    position = models.PositiveSmallIntegerField(default=0)
    loaded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "workflow template"

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"
