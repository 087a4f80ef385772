"""How the apps' modules depend on each other: one way down the layers, and models never import views."""

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


# Each app may import only the apps after it in this list (the site, config/, may import any).
LAYERS = ["home", "targets", "certificates", "courses", "lms"]


def imports_against_the_layers(app):
    """``path: name`` of each import in ``app`` of an app before it in LAYERS, function-level imports included."""
    above = set(LAYERS[: LAYERS.index(app)])
    for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
        for name in imported_names(ast.parse(path.read_text(), filename=str(path))):
            if name.split(".")[0] in above:
                yield f"{path.relative_to(settings.BASE_DIR)}: {name}"


def test_the_apps_depend_one_way_from_home_down_to_lms():
    offenders = [offence for app in LAYERS for offence in imports_against_the_layers(app)]

    assert offenders == []


def test_the_layers_are_every_app_of_the_project_and_the_scan_sees_an_import_upwards(tmp_path, settings):
    project_apps = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(config.path).parts
    }
    (tmp_path / "lms").mkdir()
    (tmp_path / "lms" / "selectors.py").write_text("def late():\n    from courses.models import CoursePage\n")
    settings.BASE_DIR = tmp_path

    assert project_apps == set(LAYERS)
    assert list(imports_against_the_layers("lms")) == [
        "lms/selectors.py: courses.models",
        "lms/selectors.py: courses.models.CoursePage",
    ]
