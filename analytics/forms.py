"""GOV.UK forms for the annual figures' pages."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator

WRONG_TYPE = "The selected file must be a CSV or XLSX file"


class RecordsImportForm(forms.Form):
    """Upload of historic records (analytics.importer). What is in the file is the importer's
    to judge; the form checks only that a CSV or XLSX file was chosen."""

    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (UTF-8) or Excel (XLSX), one row per incident, with a header row",
        validators=[FileExtensionValidator(["csv", "xlsx"], message=WRONG_TYPE)],
        error_messages={
            "required": "Select a CSV or XLSX file",
            "invalid": "Select a CSV or XLSX file",
            "missing": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label="Check the file without importing", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Field.checkbox("dry_run"))

    def clean_file(self):
        """Refused at once when larger than one import takes (the rest is the worker's)."""
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is too large: the most one import takes is "
                f"{limit / (1024 * 1024):g} MB. Split the records into smaller files"
            )
        return upload
