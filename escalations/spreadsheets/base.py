"""What every configuration sheet shares: rows that name their workspace, related records
looked up by name within it, errors reported by column, writes through the services, and an
import that is all or nothing (one bad row and no row is saved)."""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets

from escalations.core.config_cache import config_service
from escalations.spreadsheets.formats import FIRST_COLUMN, SheetLayout
from escalations.tickets.models import Workspace
from escalations.tickets.services.directory import directory_delete, directory_save

REMOVE_COLUMN = "Remove"
YES = {"yes", "y", "x", "true", "1", "remove", "delete"}


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def workspace_of(row: dict) -> Workspace:
    slug = text(row.get(FIRST_COLUMN))
    if not slug:
        raise ValueError("Give the workspace (its slug).")
    try:
        return Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist:
        raise ValueError(f"There is no workspace {slug!r}.") from None


def in_workspace(row: dict) -> dict:
    """The lookup scope of a row's related records: its workspace."""
    return {"workspace": workspace_of(row)}


class Lookup(widgets.Widget):
    """A related record by a key (its name, slug or login), looked up within what the row
    names (its workspace, its matrix…); optionally created when missing."""

    def __init__(
        self,
        model: type[models.Model],
        label: str,
        scope: Callable[[dict], dict],
        key: str = "name",
        optional: bool = False,
        create: Callable[[str, dict], models.Model] | None = None,
    ):
        super().__init__()
        self.model, self.label, self.scope, self.key = model, label, scope, key
        self.optional, self.create = optional, create

    def clean(self, value, row=None, **kwargs):
        name = text(value)
        if not name:
            if self.optional:
                return None
            raise ValueError(f"Give the {self.label}.")
        scope = self.scope(row or {})
        found = self.model.objects.filter(**scope, **{f"{self.key}__iexact": name}).first()
        if found is not None:
            return found
        if self.create is not None:
            return self.create(name, scope)
        where = ", ".join(str(v) for v in scope.values())
        raise ValueError(f"There is no {self.label} {name!r}" + (f" in {where}." if where else "."))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        for part in self.key.split("__"):
            value = getattr(value, part)
        return value


class Text(widgets.Widget):
    """Text as written; an empty cell is empty text, a whole number is its digits."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNo(widgets.Widget):
    """Yes or no: yes, y, true, x, 1 / no, n, false, 0 or blank, any case; anything else is an
    error rather than a silent no."""

    YES = {"yes", "y", "true", "x", "1", "on"}
    NO = {"no", "n", "false", "0", "off", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        given = text(value).lower()
        if given in self.YES:
            return True
        if given in self.NO:
            return False
        raise ValueError(f"Write yes or no, not {text(value)!r}.")

    def render(self, value, obj=None, **kwargs):
        return bool(value)


class Choice(widgets.Widget):
    """A choice by its label or its stored value, any case; written as the label."""

    def __init__(self, choices, optional: bool = False, integer: bool = False):
        super().__init__()
        self.choices, self.optional, self.integer = list(choices), optional, integer

    def clean(self, value, row=None, **kwargs):
        given = text(value)
        if not given:
            if self.optional:
                return "" if not self.integer else None
            raise ValueError("Choose one of: " + ", ".join(str(c[1]) for c in self.choices))
        for stored, label in self.choices:
            if given.lower() in (str(stored).lower(), str(label).lower()):
                return stored
        raise ValueError(
            f"{given!r} is not one of: " + ", ".join(str(label) for _, label in self.choices)
        )

    def render(self, value, obj=None, **kwargs):
        return next((str(label) for stored, label in self.choices if stored == value), "")


class WordList(widgets.Widget):
    """A list of words, written comma-separated."""

    def clean(self, value, row=None, **kwargs):
        return [word.strip() for word in text(value).split(",") if word.strip()]

    def render(self, value, obj=None, **kwargs):
        return ", ".join(str(v) for v in value or [])


class Whole(widgets.Widget):
    """A whole number, 0 or more; an empty cell is none."""

    what = "a whole number"

    def clean(self, value, row=None, **kwargs):
        given = text(value)
        if not given:
            return None
        try:
            number = float(given)
        except ValueError:
            number = None
        if number is None or not number.is_integer() or number < 0:
            raise ValueError(f"Give {self.what}, 0 or more; not {given!r}.")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class Minutes(Whole):
    what = "a number of minutes"


def column(attribute: str, name: str, widget=None, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=name, widget=widget or Text(), **kwargs)


class SheetResource(resources.ModelResource):
    """A configuration sheet. Subclasses give the layout, how to read rows from a parent
    selection (a matrix, a plan…), and, if they need it, a check of the whole import."""

    layout: SheetLayout
    parents: dict[type[models.Model], str] = {}  # a parent model → the lookup of its rows

    remove = fields.Field(column_name=REMOVE_COLUMN, readonly=True)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.saved: list[models.Model] = []

    # Export -------------------------------------------------------------------------------
    def dehydrate_remove(self, obj) -> str:
        return ""

    def rows_of(self, queryset):
        if queryset is None or queryset.model is self._meta.model:
            return queryset
        return self.get_queryset().filter(**{self.parents[queryset.model]: queryset})

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset=self.rows_of(queryset), **kwargs)
        dataset.title = self.layout.title
        dataset.sheet_layout = self.layout
        return dataset

    # Import -------------------------------------------------------------------------------
    def import_data(self, dataset, dry_run=False, **kwargs):
        """A confirmed import is a configuration write (`@config_service`: one transaction,
        each version in the history, a new configuration token); a preview writes nothing."""
        if dry_run:
            return self._import_data(dataset, dry_run=True, **kwargs)
        return config_service(self._import_data)(dataset, **kwargs)

    def _import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        self.source_rows = getattr(dataset, "source_rows", None) or []
        self.row_word = getattr(dataset, "row_word", "row")
        self.unknown_columns: list[str] = []
        result = super().import_data(dataset, **kwargs)
        result.unknown_columns = self.unknown_columns  # ignored by the import: say so
        # django-import-export counts the rows under the header from 1; a person looks for
        # the row (or line) their spreadsheet program shows
        for row in result.invalid_rows:
            row.number = self.shown(row.number)
        for row in result.error_rows:
            row.number = self.shown(row.number)
            for error in row.errors:
                error.number = self.shown(error.number)
        return result

    def shown(self, number: int | None) -> int | None:
        """A data row's number (from 1, under the header) as the file numbers it."""
        rows = getattr(self, "source_rows", None) or []
        if number is None or not 0 < number <= len(rows):
            return number
        return rows[number - 1]

    def rows_named(self, numbers: list[int]) -> str:
        """ "row 19" or "rows 19, 23" ("line…" in a CSV file), as the file numbers them."""
        listed = ", ".join(str(self.shown(number)) for number in numbers)
        if getattr(self, "row_word", "row") == "line":
            phrase = ngettext("line %(numbers)s", "lines %(numbers)s", len(numbers))
        else:
            phrase = ngettext("row %(numbers)s", "rows %(numbers)s", len(numbers))
        return phrase % {"numbers": listed}

    def before_import(self, dataset, **kwargs):
        """Headers in any case and spacing (columns the sheet does not know are noted as
        `unknown_columns`, and ignored); rows that repeat an earlier row's key, or that the
        file as a whole refuses (see check_file), are errors on those rows."""
        known = {f.column_name.lower(): f.column_name for f in self.fields.values()}
        dataset.headers = [known.get(str(h).strip().lower(), h) for h in dataset.headers]
        self.unknown_columns = [
            str(h).strip()
            for h in dataset.headers
            if str(h).strip() and str(h).strip().lower() not in known
        ]
        self.row_problems = self.check_file(dataset)
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        if all(column in dataset.headers for column in columns):
            first_seen: dict[tuple, int] = {}
            for number, row in enumerate(dataset.dict, start=1):
                key = (
                    text(row.get(FIRST_COLUMN)).lower(),
                    *(text(row[column]).lower() for column in columns),
                )
                if key in first_seen:
                    self.row_problems.setdefault(
                        number,
                        _("%(row)s repeats %(first)s: the same %(columns)s. Keep one of them.")
                        % {
                            "row": capfirst(self.rows_named([number])),
                            "first": self.rows_named([first_seen[key]]),
                            "columns": ", ".join(columns),
                        },
                    )
                else:
                    first_seen[key] = number

    def check_file(self, dataset) -> dict[int, str]:
        """Problems of the file as a whole, by row number; none by default."""
        return {}

    def before_import_row(self, row, **kwargs):
        problem = getattr(self, "row_problems", {}).get(kwargs.get("row_number"))
        if problem:
            raise ValidationError({NON_FIELD_ERRORS: [problem]})

    def _by_column(self, errors: dict) -> dict:
        columns = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
        return {
            key if key == NON_FIELD_ERRORS else columns.get(key, key): value
            for key, value in errors.items()
        }

    def get_instance(self, instance_loader, row):
        params, errors = {}, {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                params[field.attribute] = field.clean(row)
            except ValueError as exc:
                errors[field.column_name] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        found = list(self.get_queryset().filter(**params)[:2])
        if len(found) > 1:
            raise ValidationError(
                {NON_FIELD_ERRORS: ["Two records match this row; make their names distinct."]}
            )
        return found[0] if found else None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
            self.check_instance(instance)
        except ValidationError as exc:
            raise ValidationError(self._by_column(exc.message_dict)) from None

    def check_instance(self, instance) -> None:
        """More checks of one row's record; raise ValidationError."""

    def for_delete(self, row, instance):
        return text(row.get(REMOVE_COLUMN)).lower() in YES

    def do_instance_save(self, instance, is_create):
        directory_save(instance=instance)
        self.saved.append(instance)

    def delete_instance(self, instance, row, **kwargs):
        self.before_delete_instance(instance, row, **kwargs)
        directory_delete(instance=instance)
        self.after_delete_instance(instance, row, **kwargs)
