"""Editing a workspace's workflow in the admin: the statuses and their moves are checked as one
graph when the page is saved, so a workflow that would strand tickets is never stored."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.selectors.workflows import workspace_relied_on_moves
from escalations.tickets.workflow import LANDING_FIELDS, Status, Workflow, workflow_problems

ERR_STATE_WITH_TICKETS = _(
    "{count} ticket(s) are in {status}: its lifecycle state cannot change while they are. "
    "Move them to another status first."
)
ERR_DELETE_WITH_TICKETS = _(
    "{count} ticket(s) are in {status}: it cannot be deleted while they are. Move them to "
    "another status first."
)
ERR_TWO_DEFAULTS = _("{names} are both the default status of {state}: choose one.")
ERR_SELF_MOVE = _("{status} cannot move to itself.")


class CustomStatusFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return  # each row's own errors first
        forms = [form for form in self.forms if form.cleaned_data]
        problems = [*self._ticket_problems(forms), *self._row_problems(forms)]
        kept = [form for form in forms if not form.cleaned_data.get("DELETE", False)]
        if problems:
            raise ValidationError(problems)
        if not kept:
            return  # no statuses of its own: the built-in workflow
        workflow = self._workflow(kept)
        workspace = self.instance
        relied_on = workspace_relied_on_moves(workspace.pk, workflow) if workspace.pk else []
        # Statuses added in this save cannot be chosen as moves yet: added first, linked next.
        self.added = [form.cleaned_data["name"] for form in kept if not form.instance.pk]
        unsettled = {form.cleaned_data["slug"] for form in kept if not form.instance.pk}
        problems = workflow_problems(workflow, relied_on=relied_on, unsettled=unsettled)
        if problems:
            raise ValidationError(problems)

    def _workflow(self, kept) -> Workflow:
        slug_of = {form.instance.pk: form.cleaned_data["slug"] for form in kept if form.instance.pk}
        statuses = tuple(
            Status(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                state=form.cleaned_data["lifecycle_state"],
                id=form.instance.pk or -index,
                is_default=form.cleaned_data.get("is_default", False),
                from_any=form.cleaned_data.get("from_any_status", False),
                position=form.cleaned_data.get("position") or 0,
            )
            for index, form in enumerate(kept, start=1)
        )
        moves = frozenset(
            (form.cleaned_data["slug"], slug_of[target.pk])
            for form in kept
            for target in form.cleaned_data.get("next_statuses") or ()
            if target.pk in slug_of
        )
        workspace = self.instance
        landings = {
            move: slug_of[getattr(workspace, f"{name}_id")]
            for move, name in LANDING_FIELDS.items()
            if getattr(workspace, f"{name}_id") in slug_of
        }
        return Workflow(statuses=statuses, moves=moves, landings=landings)

    def _ticket_problems(self, forms) -> list[str]:
        """A status tickets are in keeps its lifecycle state and stays: they would be left in
        a status that no longer is what the lifecycle says, or in none."""
        problems = []
        for form in forms:
            row = form.instance
            if row.pk is None:
                continue
            deleting = form.cleaned_data.get("DELETE", False)
            moving = "lifecycle_state" in form.changed_data
            if (deleting or moving) and Ticket.objects.filter(custom_status=row.pk).exists():
                count = Ticket.objects.filter(custom_status=row.pk).count()
                message = ERR_DELETE_WITH_TICKETS if deleting else ERR_STATE_WITH_TICKETS
                problems.append(str(message).format(status=row.name, count=count))
        return problems

    def _row_problems(self, forms) -> list[str]:
        problems = []
        defaults: dict[str, list[str]] = {}
        for form in forms:
            data = form.cleaned_data
            if data.get("DELETE", False):
                continue
            if data.get("is_default"):
                defaults.setdefault(data["lifecycle_state"], []).append(data["name"])
            if form.instance.pk and any(
                t.pk == form.instance.pk for t in data.get("next_statuses") or ()
            ):
                problems.append(str(ERR_SELF_MOVE).format(status=data["name"]))
        for state, names in defaults.items():
            if len(names) > 1:
                problems.append(
                    str(ERR_TWO_DEFAULTS).format(
                        state=TicketStatus(state).label, names=" and ".join(names)
                    )
                )
        return problems
