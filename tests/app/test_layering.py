"""
The layers import only downwards, and only compat.py names the platform.

Every import counts: module level, inside functions, absolute and relative. The app's
layers, lowest first (a module may import its own layer and the ones below):

    engine            pure Python: Open Badges documents, JSON-LD, Data Integrity, images
    conf              every OPENEDX_BADGES_* setting with its one default
    compat, settings, the platform boundary, the plugin settings, and the rate limiter
    ratelimit         every web layer shares
    rules             the rule language (its kinds, their checks, words and editor forms)
    models            the tables, and what an award knows of itself (state, event data)
    credentials       the documents of an award: build, sign, status lists, keys, URLs, verify
                      (with the DID-Auth check and the DID-bound credential), and skills
                      (alignments from taxonomies, the learner's skills profile)
    backpacks         pushing credentials to backpacks and wallets (providers, the push task)
    awards            the pipeline (evaluate, award, revoke), bulk awards, the follow-ups
    persistence,      the static verification bundle, key compromise and its re-issue;
    visibility        the operator's overview (the event bus with the awards, tracking with compat)
    tasks, handlers,  what the platform and celery call, and the Python API for the XBlock
    api, checks
    web               urls, views, rest_api, admin, the backpacks' pages, commands, apps
"""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = ROOT / "openedx_plugin"
# Top-level packages that are Open edX platform code (or only exist inside the platform).
PLATFORM = {"lms", "cms", "common", "openedx", "xmodule", "completion", "edx_ace", "crum", "ccx_keys",
            "edx_when", "edxmako", "student", "courseware"}
LAYERS = [
    ("engine",),
    ("conf",),
    ("compat", "settings", "ratelimit", "visibility.settings", "visibility.indexes", "visibility.tracking"),
    ("rules",),
    ("models",),
    # The DID-Auth check is pure (engine only); a credential bound to a proven DID is one
    # more document of an award, so both sit with the credentials.
    # Skills read badges and awards, and the taxonomies through compat, to build alignments
    # and the learner's skills profile.
    ("credentials", "backpacks.didauth", "persistence.binding", "skills"),
    ("backpacks",),
    ("awards", "visibility.event_bus"),
    ("persistence", "visibility"),
    ("tasks", "handlers", "api", "checks"),
    ("urls", "views", "rest_api", "admin", "course_tab", "management", "apps", "backpacks.views",
     "backpacks.urls", "persistence.views", "persistence.admin", "visibility.views", "visibility.admin",
     "migrations", "__init__", "templatetags"),
]


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts), path.name == "__init__.py"


def imports_of(path):
    """Absolute names of everything ``path`` imports, wherever the import stands."""
    name, is_package = module_name(path)
    package = name if is_package else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module
            else:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            # ``from package import module`` also runs the package's __init__; one that
            # imports nothing (a docstring) adds no dependency of its own.
            if not all(_is_module(f"{base}.{alias.name}") for alias in node.names) or _imports_anything(base):
                yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def _is_module(name):
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports_anything(package):
    init = ROOT.joinpath(*package.split(".")) / "__init__.py"
    if not init.is_file():
        return True  # a module, not a package: what is imported from it is its own
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(ast.parse(init.read_text())))


def layer_of(module):
    """The layer index of an app module, by the longest matching entry of LAYERS."""
    inside = module.removeprefix("openedx_plugin.") if module != "openedx_plugin" else "__init__"
    best, best_len = None, -1
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if (inside == entry or inside.startswith(entry + ".")) and len(entry) > best_len:
                best, best_len = index, len(entry)
    return best


def app_modules():
    return {module_name(path)[0]: path for path in APP.rglob("*.py")}


def test_engine_imports_nothing_of_the_app_and_no_django():
    for path in (APP / "engine").rglob("*.py"):
        for name in imports_of(path):
            assert name.split(".")[0] != "django", (path, name)
            if name.startswith("openedx_plugin"):
                assert name.startswith("openedx_plugin.engine"), (path, name)
            assert not name.startswith("badge_xblock"), (path, name)


def test_the_check_sees_relative_imports():
    engine = APP / "engine" / "baking.py"
    assert "openedx_plugin.engine.images" in set(imports_of(engine))
    # a package whose __init__ imports something counts as imported too
    assert "openedx_plugin.rules" in set(imports_of(APP / "awards" / "awarding.py"))
    issuing = APP / "credentials" / "issuing.py"
    assert "openedx_plugin.models.Award" in set(imports_of(issuing))


def test_engine_imports_cleanly_without_django_in_a_fresh_interpreter():
    code = ("import sys, openedx_plugin.engine.dataintegrity, openedx_plugin.engine.ob3, "
            "openedx_plugin.engine.ob2, openedx_plugin.engine.baking, openedx_plugin.engine.verify, "
            "openedx_plugin.engine.fastsign, openedx_plugin.engine.statuslist, openedx_plugin.engine.dids; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_only_compat_touches_platform_code():
    for path in list(APP.rglob("*.py")) + list((ROOT / "badge_xblock").rglob("*.py")):
        if path == APP / "compat.py":
            continue
        for name in imports_of(path):
            assert name.split(".")[0] not in PLATFORM, (path, name)


def test_app_does_not_import_the_xblock():
    for path in APP.rglob("*.py"):
        for name in imports_of(path):
            assert not name.startswith("badge_xblock"), (path, name)


def test_every_app_module_has_a_layer():
    assert not [name for name in app_modules() if layer_of(name) is None]


def test_app_layers_import_only_downwards():
    wrong = []
    for name, path in app_modules().items():
        own = layer_of(name)
        for target in imports_of(path):
            if target.startswith("openedx_plugin."):  # "from openedx_plugin import x" also names x
                other = layer_of(target)
                if other is not None and other > own:
                    wrong.append(f"{name} (layer {own}) imports {target} (layer {other})")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_import_loop_in_the_app():
    modules = app_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for target in imports_of(path):
            if target in modules and target != name:
                graph[name].add(target)
    loops = []
    index, low, stack, on_stack = {}, {}, [], set()

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    assert not loops, loops


XBLOCK_MAY_IMPORT = ("openedx_plugin.api", "xblock", "web_fragments", "webob", "django.utils", "django.conf",
                     "django.core.exceptions", "django.core.validators", "django.template", "badge_xblock")


def test_the_xblock_imports_only_the_api_xblock_and_django_utilities():
    stdlib = sys.stdlib_module_names
    for path in (ROOT / "badge_xblock").rglob("*.py"):
        for name in imports_of(path):
            if name.split(".")[0] in stdlib or name == "openedx_plugin":
                continue
            assert name.startswith(XBLOCK_MAY_IMPORT), (path, name)
