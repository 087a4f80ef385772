"""The demo site: settings, root URLs, WSGI/ASGI, middleware and formats (not part of the installable apps)."""
