"""The admin home of each role: the panels every app adds to Wagtail's dashboard with the
``construct_homepage_panels`` hook, each reading its own app's figures in one or two aggregate queries."""

from django.forms import Media
from wagtail.admin.ui.components import Component


def works_as(user, permission):
    """Whether ``user`` gets the panels of a role holding ``permission``: organisers and trainers do;
    administrators (superusers, who hold every permission) get their own panels instead."""
    return not user.is_superuser and user.has_perm(permission)


class HomePanel(Component):
    """A panel of the admin home: an id, a heading, and the rows its app's ``rows`` reads for the request's
    user, shown by the app's template inside Wagtail's dashboard panel."""

    panel_id = ""
    heading = ""
    template_name = ""
    order = 100
    media = Media(css={"all": ["lms/css/admin-home.css"]})

    def __init__(self, request):
        self.request = request

    def rows(self):
        raise NotImplementedError

    def get_context_data(self, parent_context):
        return {"panel": self, "request": self.request, "rows": self.rows()}
