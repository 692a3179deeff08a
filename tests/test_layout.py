"""The package's architecture, kept by a test: which layer may import which, and the folders."""

import ast

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"
# Lower layers never import higher ones; a layer's packages may import each other's modules.
LAYERS = (
    {"errors", "types", "config", "vectors"},
    {"text"},
    {"models", "report"},  # report: the report's numbers and page, pure (its config is the stages')
    {"stages"},
    {"decisions", "evaluate", "exchange", "review"},
    {"run_config", "flow"},
    {"runs"},
    {"commands"},
    {"cli", "__main__"},
)
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def part(module: str) -> str:
    """The top-level module or subpackage of ``pipeline`` a dotted name lies in."""
    return module.split(".")[1] if module.count(".") else ""


def imports(path) -> list[str]:
    """The ``pipeline`` modules a file imports, wherever in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            top = node.module == "pipeline"
            found += [f"pipeline.{a.name}" for a in node.names] if top else [node.module]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pipeline.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_lies_in_a_layer():
    parts = {(p.relative_to(PACKAGE).parts[0]).removesuffix(".py") for p in MODULES}
    assert parts - {"__init__"} == set(RANK)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_upward(path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own == "__init__":
        return
    upward = [m for m in imports(path) if RANK[part(m)] > RANK[own]]
    assert not upward, f"{own} (layer {RANK[own]}) imports {upward}"


def test_only_the_command_line_imports_commands():
    for path in MODULES:
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if own not in ("cli", "commands"):
            assert not [m for m in imports(path) if part(m) == "commands"], path
        if own == "commands":  # a command never calls another: what they share lives lower down
            assert not [m for m in imports(path) if m.startswith("pipeline.commands")], path


def test_stages_never_touch_run_folders():
    for path in (PACKAGE / "stages").glob("*.py"):
        assert not [m for m in imports(path) if part(m) in ("runs", "commands", "flow")], path
