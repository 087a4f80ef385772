"""The admin kit every app builds its Wagtail admin with: scoped viewsets and views, permission policies,
the unit chooser and filter, and table downloads."""
