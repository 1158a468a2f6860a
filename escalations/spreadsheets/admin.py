"""Import and export buttons for configuration pages: XLSX laid out for people, and CSV.
The list has both buttons (*Export* takes the list as filtered) and the "Export selected"
action.

Exporting needs the model's "export" permission; importing needs its "import" permission and
the right to change it. An import always starts as a dry run that shows every row's change;
a file with any bad row can't be confirmed, and nothing of it is saved. Columns the sheet does
not know are named on the dry run, since the import ignores them."""

from django.contrib import messages
from django.utils.translation import ngettext
from import_export.admin import ExportActionMixin, ImportExportMixin
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from escalations.spreadsheets.formats import FORMATS, SheetFileError


class SpreadsheetAdmin(ImportExportMixin, ExportActionMixin):
    import_form_class = ImportForm
    export_form_class = ExportForm
    formats = FORMATS

    def _may(self, request, action: str) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def has_import_permission(self, request):
        return self._may(request, "import") and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self._may(request, "export")

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SheetFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        unknown = getattr(result, "unknown_columns", [])
        if unknown:
            messages.warning(
                request,
                ngettext(
                    "The column %(columns)s is not one of this sheet's; it is ignored.",
                    "The columns %(columns)s are not this sheet's; they are ignored.",
                    len(unknown),
                )
                % {"columns": ", ".join(f"“{name}”" for name in unknown)},
            )
        return response
