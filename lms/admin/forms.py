"""Admin forms whose unit fields offer only the units the user may use."""

from lms import selectors
from lms.models import Unit


class ScopedFormMixin:
    """Unit fields of the form offer only the units the user may use."""

    unit_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.unit_fields:
            if name in self.fields:
                self.fields[name].queryset = selectors.unit_choices_for(self.for_user)
                self.fields[name].label_from_instance = Unit.tree_label
