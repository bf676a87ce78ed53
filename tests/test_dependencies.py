"""Dependencies between the apps run one way: each app imports only the apps it stands on.

`news` is the base of the newspaper and stands on the serving infrastructure alone (`edge`, `live`); what
its pages show from other apps comes through its slots (news/slots.py), never by naming those apps. A new
app must say here where it stands before it can import anything.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "manchette"
INFRASTRUCTURE = {"edge", "live", "periodic"}
STANDS_ON = {
    "edge": set(),
    "periodic": set(),
    "live": {"edge"},
    "news": INFRASTRUCTURE,
    "search": INFRASTRUCTURE | {"news", "filinfo"},
    "filinfo": INFRASTRUCTURE | {"news"},
    "wires": INFRASTRUCTURE | {"news", "filinfo"},
    "accounts": INFRASTRUCTURE,
    "comments": INFRASTRUCTURE | {"news", "accounts"},
    "automoderation": INFRASTRUCTURE | {"news", "accounts", "comments"},
    "dsa": INFRASTRUCTURE | {"news", "accounts", "comments"},
    "newsletters": INFRASTRUCTURE | {"news", "accounts"},
    "operations": INFRASTRUCTURE | {"news"},
}
# The demo newspaper fills every app, and nothing imports it.
EVERYTHING = {"demo"}


def apps():
    return sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))


def code_of(app):
    """APP's modules, its tests apart: a test may use another app's factories to build what it checks."""
    return [path for path in (PACKAGE / app).rglob("*.py") if "tests" not in path.relative_to(PACKAGE / app).parts]


def imported_apps(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "manchette" and len(parts) > 1 and (PACKAGE / parts[1] / "apps.py").exists():
                found.add(parts[1])
    return found


def template_references(folder, others):
    """Apps among OTHERS whose templates, tags or URLs the templates under FOLDER name."""
    libraries = {path.stem: other for other in others for path in (PACKAGE / other / "templatetags").glob("*.py")}
    found = set()
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text()
        found |= set(re.findall(r"""["'](\w+)/[\w/.-]+\.(?:html|xml|txt)["']""", text))
        found |= set(re.findall(r"""{%\s*url\s+["'](\w+):""", text))
        for loaded in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", text):
            found |= {libraries[name] for name in loaded.split() if name in libraries}
    return found & others


def test_every_app_says_where_it_stands():
    assert set(apps()) == set(STANDS_ON) | EVERYTHING


@pytest.mark.parametrize("app", sorted(STANDS_ON))
def test_an_app_imports_only_what_it_stands_on(app):
    allowed = STANDS_ON[app] | {app}
    wrong = {str(path.relative_to(PACKAGE)): sorted(imported_apps(path) - allowed) for path in code_of(app)}
    assert {path: names for path, names in wrong.items() if names} == {}


@pytest.mark.parametrize("app", sorted(STANDS_ON))
def test_templates_name_only_what_their_app_stands_on(app):
    others = set(apps()) - STANDS_ON[app] - {app}
    assert template_references(PACKAGE / app / "templates", others) == set()


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("from manchette.filinfo.feed import latest_items\nimport manchette.wires.ninjs\nfrom manchette import search\n")
    assert imported_apps(module) == {"filinfo", "wires", "search"}


def test_the_check_sees_a_template_naming_another_app(tmp_path):
    (tmp_path / "page.html").write_text(
        '{% load i18n filinfo_tags %}{% include "wires/x.html" %}<a href="{% url \'search:results\' %}">'
    )
    assert template_references(tmp_path, {"filinfo", "wires", "search", "demo"}) == {"filinfo", "wires", "search"}
