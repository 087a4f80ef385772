"""Limits on uploaded files: the largest list an import takes, and the admin's image and document forms
(``WAGTAILIMAGES_IMAGE_FORM_BASE``, ``WAGTAILDOCS_DOCUMENT_FORM_BASE``) with Wagtail's limits, the allowed
types, and refusals in the site's language."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

TOO_LARGE = gettext_lazy("This file is %(file_size)s; files of at most %(max_filesize)s are accepted here.")


@deconstructible
class MaxUploadSize:
    """Refuses a file larger than the setting ``setting_name`` (in bytes), naming the limit; the setting is read
    at each upload."""

    def __init__(self, setting_name):
        self.setting_name = setting_name

    def __call__(self, upload):
        limit = getattr(settings, self.setting_name)
        if upload.size > limit:
            raise ValidationError(
                TOO_LARGE % {"file_size": filesizeformat(upload.size), "max_filesize": filesizeformat(limit)},
                code="over_upload_limit",
            )

    def __eq__(self, other):
        return isinstance(other, MaxUploadSize) and other.setting_name == self.setting_name


max_import_size = MaxUploadSize("LMS_IMPORT_MAX_UPLOAD_SIZE")


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (which refuses files above ``WAGTAILDOCS_MAX_UPLOAD_SIZE``), taking only the
    extensions of ``WAGTAILDOCS_EXTENSIONS`` (no page or script a browser would run), saying so in the site's
    language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" not in self.fields:
            return
        field = self.fields["file"]
        field.error_messages.update(
            file_too_large=TOO_LARGE,
            file_too_large_unknown_size=_(
                "This file is too large; files of at most %(max_filesize)s are accepted here."
            )
            % {"max_filesize": field.max_upload_size_text},
        )
        field.help_text = _("Accepted: %(extensions)s, at most %(limit)s.") % {
            "extensions": ", ".join(settings.WAGTAILDOCS_EXTENSIONS),
            "limit": field.max_upload_size_text,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower().lstrip(".")
        if "file" in self.changed_data and extension not in settings.WAGTAILDOCS_EXTENSIONS:
            raise ValidationError(
                _("Files of type “%(extension)s” are not accepted; accepted: %(extensions)s.")
                % {"extension": extension, "extensions": ", ".join(settings.WAGTAILDOCS_EXTENSIONS)}
            )
        return upload

    def _post_clean(self):
        # Wagtail's Document.clean() checks the extension of the file the form gave the document; with the upload
        # refused above there is none, and it would add a second, wrong refusal (extension “”).
        if not self.has_error("file"):
            super()._post_clean()


class ImageForm(BaseImageForm):
    """Wagtail's image form (which refuses files above ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` or
    ``WAGTAILIMAGES_MAX_IMAGE_PIXELS``, and any format but those of ``WAGTAILIMAGES_EXTENSIONS``: no SVG or HTML,
    which can carry scripts), saying so in the site's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" not in self.fields:
            return
        field = self.fields["file"]
        field.error_messages.update(
            invalid_image_extension=_("Only pictures in these formats are accepted: %(formats)s.")
            % {"formats": field.supported_formats_text},
            invalid_image_known_format=_(
                "This is not a .%(extension)s picture: the file holds %(image_format)s. Save it again as a picture."
            ),
            file_too_large=_("This picture is %(file_size)s; pictures of at most %(max_filesize)s are accepted."),
            file_too_large_unknown_size=_(
                "This picture is too large; pictures of at most %(max_filesize)s are accepted."
            )
            % {"max_filesize": field.max_upload_size_text},
            file_too_many_pixels=_(
                "This picture has %(num_pixels)s pixels; pictures of at most %(max_pixels_count)s pixels are accepted."
            ),
        )
