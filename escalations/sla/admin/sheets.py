"""SLA policies and escalation ladders as sheets. A policy is one row: what it matches, how its
time counts, and its targets per priority in columns. A ladder level is one row; a ladder named
for the first time is added. After an import the tickets the policies cover get new deadlines."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import fields

from escalations.sla.models import (
    BusinessCalendar,
    ClimbWhen,
    EscalationLadder,
    LadderLevel,
    SlaPolicy,
    SlaTarget,
)
from escalations.sla.services.sync import sla_policy_changed
from escalations.spreadsheets.base import (
    Choice,
    Lookup,
    Minutes,
    SheetResource,
    Whole,
    WordList,
    YesNo,
    column,
    in_workspace,
    text,
)
from escalations.spreadsheets.formats import SheetLayout
from escalations.tickets.models import Agent, CustomStatus, Priority, Team, Tier, Workspace
from escalations.tickets.services.directory import directory_delete, directory_save

CLOCKS = (
    ("first_response_minutes", "first response"),
    ("next_response_minutes", "next response"),
    ("resolution_minutes", "resolution"),
)
PRIORITIES = sorted(Priority, reverse=True)  # Urgent first, as people read them
TARGET_COLUMNS = {
    f"target_{priority.value}_{attr}": (priority, attr, f"{priority.label}: {label} (min)")
    for priority in PRIORITIES
    for attr, label in CLOCKS
}
STATUS_COLUMN = "Pause custom statuses"


def _workspace_lookup():
    return Lookup(Workspace, "workspace", lambda row: {}, key="slug")


class SlaPolicyResource(SheetResource):
    layout = SheetLayout(
        title="SLA policies",
        heading="SLA policies: which tickets, how time counts, and the targets per priority",
        notes=["Minutes are counted in business hours unless 'Business hours' is off."],
    )

    workspace = column("workspace", "Workspace", _workspace_lookup())
    name = column("name", "Name")
    position = column("position", "Position", Whole())
    active = column("is_active", "Active", YesNo())
    default = column("is_default", "Default", YesNo())
    every_ticket = column("applies_to_all", "Every ticket", YesNo())
    topics = column("match_topics", "Topics", WordList())
    tiers = column("match_customer_tiers", "Customer tiers", WordList())
    segments = column("match_segments", "Segments", WordList())
    channels = column("match_channels", "Channels", WordList())
    stores = column("match_stores", "Stores", WordList())
    business_hours = column("business_hours", "Business hours", YesNo())
    calendar = column(
        "calendar", "Calendar", Lookup(BusinessCalendar, "calendar", in_workspace, optional=True)
    )
    warning = column("warning_percent", "Warning at (%)", Whole())
    pauses = column("pause_statuses", "Pause statuses", WordList())
    ladder = column(
        "ladder", "Ladder", Lookup(EscalationLadder, "ladder", in_workspace, optional=True)
    )

    class Meta(SheetResource.Meta):
        model = SlaPolicy
        name = "SLA policies"
        fields = (
            "workspace",
            "name",
            "position",
            "active",
            "default",
            "every_ticket",
            "topics",
            "tiers",
            "segments",
            "channels",
            "stores",
            "business_hours",
            "calendar",
            "warning",
            "pauses",
            "pause_custom",
            "ladder",
            *TARGET_COLUMNS,
            "remove",
        )
        import_id_fields = ("workspace", "name")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["pause_custom"] = fields.Field(
            column_name=STATUS_COLUMN,
            dehydrate_method=lambda policy: ", ".join(self._pause_slugs(policy)),
        )
        for key, (priority, attr, label) in TARGET_COLUMNS.items():
            self.fields[key] = fields.Field(
                column_name=label,
                dehydrate_method=lambda policy, p=priority, a=attr: (
                    self._targets(policy).get(p, {}).get(a)
                ),
            )

    def get_queryset(self):
        return (
            SlaPolicy.objects.select_related("workspace", "calendar", "ladder")
            .prefetch_related("targets", "pause_custom_statuses")
            .order_by("workspace__slug", "position", "id")
        )

    @staticmethod
    def _targets(policy) -> dict:
        return {
            t.priority: {attr: getattr(t, attr) for attr, _ in CLOCKS} for t in policy.targets.all()
        }

    @staticmethod
    def _pause_slugs(policy) -> list[str]:
        return sorted(s.slug for s in policy.pause_custom_statuses.all())

    # What the row says beyond the policy's own fields: its targets and pausing statuses.
    def _extras(self, row, workspace) -> tuple[dict, list]:
        targets: dict = {}
        errors = {}
        for priority, attr, label in TARGET_COLUMNS.values():
            if label not in row:
                continue
            try:
                targets.setdefault(priority.value, {})[attr] = Minutes().clean(row[label])
            except ValueError as exc:
                errors[label] = [str(exc)]
        slugs = sorted(WordList().clean(row.get(STATUS_COLUMN)))
        if workspace is not None and slugs:
            known = set(
                CustomStatus.objects.filter(workspace=workspace, slug__in=slugs).values_list(
                    "slug", flat=True
                )
            )
            missing = [s for s in slugs if s not in known]
            if missing:
                errors[STATUS_COLUMN] = [f"No custom status {', '.join(missing)} here."]
        if errors:
            raise ValidationError(errors)
        return targets, slugs

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            workspace = instance.workspace if instance.workspace_id else None
            instance.sheet_extras = self._extras(row, workspace)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original.pk is None or not super().skip_row(
            instance, original, row, import_validation_errors
        ):
            return False
        targets, slugs = instance.sheet_extras
        current = self._targets(original)
        same_targets = all(
            values == {a: current.get(p, {}).get(a) for a in values}
            for p, values in targets.items()
        )
        return same_targets and (STATUS_COLUMN not in row or slugs == self._pause_slugs(original))

    def after_save_instance(self, instance, row, **kwargs):
        targets, slugs = instance.sheet_extras
        existing = {t.priority: t for t in instance.targets.all()}
        for priority, values in targets.items():
            target = existing.get(priority) or SlaTarget(policy=instance, priority=priority)
            for attr, value in values.items():
                setattr(target, attr, value)
            if all(getattr(target, attr) is None for attr, _ in CLOCKS):
                if target.pk:
                    directory_delete(instance=target)
            else:
                directory_save(instance=target)
        if STATUS_COLUMN in row:
            instance.pause_custom_statuses.set(
                CustomStatus.objects.filter(workspace=instance.workspace, slug__in=slugs)
            )

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run") and not result.has_errors():
            for policy in self.saved:
                sla_policy_changed(policy)

    def check_file(self, dataset) -> dict[int, str]:
        """One default policy per workspace in the file."""
        defaults: dict[str, list[int]] = {}
        for number, row in enumerate(dataset.dict, start=1):
            try:
                is_default = YesNo().clean(row.get("Default"))
            except ValueError:
                continue  # reported against the cell
            if is_default:
                defaults.setdefault(text(row.get("Workspace")).lower(), []).append(number)
        return {
            number: _(
                "%(rows)s are all the default policy of their workspace; a workspace has one."
            )
            % {"rows": capfirst(self.rows_named(numbers))}
            for numbers in defaults.values()
            if len(numbers) > 1
            for number in numbers[1:]
        }

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A new default is not refused for the old one: saving it takes over (below)."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            errors = exc.message_dict
            if instance.is_default:
                errors = {
                    key: kept
                    for key, messages in errors.items()
                    if (kept := [m for m in messages if "one_default_policy" not in m])
                }
            if errors:
                raise ValidationError(errors) from None

    def do_instance_save(self, instance, is_create):
        """A new default takes over from the old one, whichever row comes first."""
        if instance.is_default:
            for previous in SlaPolicy.objects.filter(
                workspace=instance.workspace, is_default=True
            ).exclude(pk=instance.pk):
                previous.is_default = False
                previous.save(update_fields=["is_default"])  # its history records the change
        super().do_instance_save(instance, is_create)


class LadderResource(SheetResource):
    layout = SheetLayout(
        title="Escalation ladders",
        heading="Escalation ladders: the levels a ticket climbs while its SLA is at risk",
        notes=["After (min) counts from the previous level, or from the ticket's arrival."],
    )
    parents = {EscalationLadder: "ladder__in"}

    workspace = column("ladder__workspace__slug", "Workspace", readonly=True)
    ladder = column("ladder", "Ladder", Lookup(EscalationLadder, "ladder", in_workspace))
    position = column("position", "Position", Whole())
    name = column("name", "Level")
    after = column("after_minutes", "After (min)", Minutes())
    climb = column("climb_when", "Climb when", Choice(ClimbWhen.choices))
    to_team = column("to_team", "To team", Lookup(Team, "team", in_workspace, "slug", True))
    to_agent = column(
        "to_agent", "To agent", Lookup(Agent, "agent", lambda row: {}, "user__username", True)
    )
    to_tier = column("to_tier", "To tier", Choice(Tier.choices, optional=True, integer=True))
    raise_priority = column("raise_priority", "Raise priority", YesNo())
    notify = column("notify", "Notify", WordList())

    class Meta(SheetResource.Meta):
        model = LadderLevel
        name = "Escalation ladder levels"
        fields = (
            "workspace",
            "ladder",
            "position",
            "name",
            "after",
            "climb",
            "to_team",
            "to_agent",
            "to_tier",
            "raise_priority",
            "notify",
            "remove",
        )
        import_id_fields = ("ladder", "position")

    def get_queryset(self):
        return LadderLevel.objects.select_related(
            "ladder__workspace", "to_team", "to_agent__user"
        ).order_by("ladder__workspace__slug", "ladder__name", "position", "id")

    def before_import_row(self, row, **kwargs):
        """A ladder named for the first time is added to the workspace."""
        super().before_import_row(row, **kwargs)
        try:
            workspace = in_workspace(row)["workspace"]
        except ValueError:
            return  # reported against the row's columns
        name = text(row.get("Ladder"))
        if name and not EscalationLadder.objects.filter(workspace=workspace, name=name).exists():
            directory_save(instance=EscalationLadder(workspace=workspace, name=name))

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors():
            return
        ladders = {level.ladder_id for level in self.saved}
        for policy in SlaPolicy.objects.filter(ladder__in=ladders):
            sla_policy_changed(policy)
