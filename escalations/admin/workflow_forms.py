"""Editing a workspace's workflow in the admin: the statuses and their moves are checked as one
graph when the page is saved, so a workflow that would strand tickets is never stored."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from escalations.services.workflows import workspace_relied_on_moves
from escalations.workflow import LANDING_FIELDS, Status, Workflow, workflow_problems


class CustomStatusFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return  # each row's own errors first
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            return  # no statuses of its own: the built-in workflow
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
        workflow = Workflow(statuses=statuses, moves=moves, landings=landings)
        relied_on = workspace_relied_on_moves(workspace.pk, workflow) if workspace.pk else []
        problems = workflow_problems(workflow, relied_on=relied_on)
        if problems:
            raise ValidationError(problems)
