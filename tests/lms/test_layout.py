"""How the apps' modules depend on each other: models never import views."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings


def models_modules():
    """The models modules of the project's own apps (a ``models.py`` or the modules of a ``models`` package)."""
    for config in apps.get_app_configs():
        app = Path(config.path)
        if app.is_relative_to(settings.BASE_DIR) and ".venv" not in app.parts:
            yield from app.glob("models.py")
            yield from app.glob("models/*.py")


def imported_names(tree):
    """Every dotted name an import statement anywhere in ``tree`` names, function-level imports included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_no_models_module_imports_a_views_module():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {name}"
        for path in models_modules()
        for name in imported_names(ast.parse(path.read_text(), filename=str(path)))
        if any("views" in part for part in name.split("."))
    ]

    assert offenders == []


def test_the_scan_sees_the_models_of_every_app_and_function_level_imports():
    scanned = {path.relative_to(settings.BASE_DIR).as_posix() for path in models_modules()}
    nested = ast.parse("def serve(self):\n    from courses import quiz_views\n")

    assert {"courses/models/pages.py", "courses/models/quiz.py", "lms/models/people.py"} <= scanned
    assert "courses.quiz_views" in set(imported_names(nested))
