"""Pickers of workspace-owned entries: each workspace made from a catalog template has teams,
statuses, rule sets… of the same names, so a picker offers only the entries of the object's own
workspace, and where entries of several workspaces are listed together (a new object whose
workspace is not chosen yet, list filters, autocomplete) each label names its workspace.

A model is workspace-owned when it has a `workspace` foreign key, or a foreign key to a
workspace-owned model (a rule through its rule set, a RACI role through its matrix). Limiting the
queryset also holds at save time: an entry of another workspace posted by hand is not a valid
choice, so it is a form error."""

import copy
from dataclasses import dataclass
from functools import cache

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.utils.translation import gettext_lazy as _

from escalations.tickets.models import Workspace

LABEL = _("%(entry)s — %(workspace)s")
NOT_OFFERED = _(
    "Select one of this workspace's own entries: that one belongs to another workspace or no "
    "longer exists."
)
NOT_OFFERED_MANY = _(
    "Select this workspace's own entries: %(value)s belongs to another workspace or no longer "
    "exists."
)


@cache
def workspace_lookup(model: type[models.Model]) -> str | None:
    """The lookup from `model` to the workspace that owns it ("workspace",
    "rule_set__workspace"), or None when no workspace owns it."""
    return _lookup(model, frozenset())


def _lookup(model, seen: frozenset) -> str | None:
    if issubclass(model, Workspace):
        return None  # a workspace is the owner, not owned (its landing statuses are its own)
    parents = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    if any(f.name == "workspace" and f.related_model is Workspace for f in parents):
        return "workspace"
    for field in parents:  # the first parent that a workspace owns
        if field.related_model in seen or field.related_model is model:
            continue
        rest = _lookup(field.related_model, seen | {model})
        if rest:
            return f"{field.name}__{rest}"
    return None


def with_workspace(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset, reading each entry's workspace in the same query (for its label)."""
    lookup = workspace_lookup(queryset.model)
    return queryset.select_related(lookup) if lookup else queryset


def workspace_label(obj: models.Model, text: str | None = None) -> str:
    """The entry's label (its own text by default) followed by its workspace's name."""
    text = str(obj) if text is None else text
    lookup = workspace_lookup(type(obj))
    workspace = _follow(obj, lookup.split("__")) if lookup else None
    return text if workspace is None else LABEL % {"entry": text, "workspace": workspace.name}


def _follow(obj, names: list[str]):
    for name in names:
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


@dataclass(frozen=True)
class PageWorkspace:
    """The workspace whose entries the pickers of one admin page offer."""

    known: bool
    pk: int | None = None  # known, but None: a workspace not made yet, which owns nothing

    @classmethod
    def of(cls, request, model: type[models.Model], obj: models.Model | None) -> "PageWorkspace":
        """The workspace of the page's object: a saved object's own (a picker never moves it
        to another workspace), else the one named in the submitted form or, before that, in
        the add page's address (its initial values)."""
        if model is Workspace:
            return cls(known=True, pk=obj.pk if obj is not None else None)
        lookup = workspace_lookup(model)
        if lookup is None:
            return cls(known=False)
        *parents, last = lookup.split("__")
        if obj is not None and obj.pk is not None:
            parent = _follow(obj, parents)  # the object itself when it has the workspace field
            pk = getattr(parent, f"{last}_id") if parent is not None else None
            return cls(known=pk is not None, pk=pk)
        data = request.POST if request.method == "POST" else request.GET
        owner = parents[0] if parents else last
        if data.get(owner):
            return cls._named(model, owner, data[owner])
        return cls(known=False)

    @classmethod
    def _named(cls, model, owner: str, value: str) -> "PageWorkspace":
        field = model._meta.get_field(owner)
        try:
            value = field.target_field.to_python(value)
        except ValidationError:
            return cls(known=False)
        if field.related_model is Workspace:
            return cls(known=True, pk=value)
        rest = workspace_lookup(field.related_model)
        named = {field.target_field.name: value}
        owners = field.related_model._default_manager.filter(**named).values_list(rest, flat=True)
        pk = owners.first()
        return cls(known=pk is not None, pk=pk)

    def fit(self, field: ModelChoiceField) -> ModelChoiceField:
        """A copy of the picker: limited to this workspace's entries if it is known, else with
        labels that name each entry's workspace."""
        field = copy.deepcopy(field)  # a form's declared fields are shared by every request
        if not self.known:
            name_workspaces(field)
        elif self.pk is None:
            field.queryset = field.queryset.none()
        else:
            lookup = workspace_lookup(field.queryset.model)
            field.queryset = field.queryset.filter(**{lookup: self.pk})
        if self.known:
            many = isinstance(field, ModelMultipleChoiceField)
            field.error_messages["invalid_choice"] = NOT_OFFERED_MANY if many else NOT_OFFERED
        return field


def is_workspace_picker(field) -> bool:
    return isinstance(field, ModelChoiceField) and bool(workspace_lookup(field.queryset.model))


def name_workspaces(field: ModelChoiceField) -> None:
    """Let the picker's labels name each entry's workspace (its own text first)."""
    own_label = field.label_from_instance
    field.queryset = with_workspace(field.queryset)
    field.label_from_instance = lambda obj: workspace_label(obj, own_label(obj))


def form_name_workspaces(form) -> None:
    """In a form that lists the entries of every workspace, name the workspace in each label."""
    for field in form.fields.values():
        if is_workspace_picker(field):
            name_workspaces(field)


def fit_fields(fields: dict, page: PageWorkspace, exclude=()) -> dict:
    return {
        name: page.fit(field) if is_workspace_picker(field) and name not in exclude else field
        for name, field in fields.items()
    }


class WorkspaceNamedListFilter(admin.RelatedFieldListFilter):
    """A list filter on workspace-owned entries: each choice names its workspace."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model._default_manager.complex_filter(field.get_limit_choices_to())
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        attname = field.target_field.attname
        return [(getattr(obj, attname), workspace_label(obj)) for obj in with_workspace(queryset)]


class WorkspaceScopedAdmin:
    """For a ModelAdmin: its pickers of workspace-owned entries offer the object's workspace's
    own, and its list filters on them name each entry's workspace. Fields named in
    `workspace_scope_exclude` keep their own handling."""

    workspace_scope_exclude: tuple[str, ...] = ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        page = PageWorkspace.of(request, self.model, obj)
        form.base_fields = fit_fields(form.base_fields, page, self.workspace_scope_exclude)
        return form

    def get_list_filter(self, request):
        return [self._named_filter(entry) for entry in super().get_list_filter(request)]

    def _named_filter(self, entry):
        if not isinstance(entry, str) or entry.split("__")[0] in self.workspace_scope_exclude:
            return entry
        field = get_fields_from_path(self.model, entry)[-1]
        if field.is_relation and workspace_lookup(field.related_model):
            return (entry, WorkspaceNamedListFilter)
        return entry


class WorkspaceScopedInline:
    """For an inline: its pickers of workspace-owned entries offer the parent's workspace's
    own (a rule set's, a ladder's, a ticket's)."""

    workspace_scope_exclude: tuple[str, ...] = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        page = PageWorkspace.of(request, self.parent_model, obj)
        form = formset.form
        form.base_fields = fit_fields(form.base_fields, page, self.workspace_scope_exclude)
        return formset
