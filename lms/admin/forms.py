"""Admin forms whose unit fields offer only the units the user may use."""

from functools import cache

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField

from lms import selectors
from lms.converters import parse_id
from lms.models import Unit


class IdsOnly:
    """A model choice field that refuses a posted value that is no id before the database is asked (SQLite
    cannot compare a column with an integer over 2^63: a server error instead of a form error)."""

    def clean(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            if item not in self.empty_values and parse_id(str(item)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super().clean(value)


@cache
def ids_only(field_class):
    return type(f"IdsOnly{field_class.__name__}", (IdsOnly, field_class), {})


class ScopedFormMixin:
    """Unit fields of the form offer only the units the user may use; every choice of objects takes ids only."""

    unit_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ModelChoiceField):
                field.__class__ = ids_only(type(field))
        for name in self.unit_fields:
            if name in self.fields:
                self.fields[name].queryset = selectors.unit_choices_for(self.for_user)
                self.fields[name].label_from_instance = Unit.tree_label
