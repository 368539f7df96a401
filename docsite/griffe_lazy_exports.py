"""Griffe extension: names a module exports lazily, seen where users import them.

`lambda_client.models` lists every model in `__all__` but defines none: a
module `__getattr__` imports each on first use, and type checkers see them
through `from ._generated.models import *` under `if TYPE_CHECKING:`. Griffe
leaves out what is imported only for type checkers, so without this
`lambda_client.models.FunctionConfiguration` could not be documented at
its public path. For each such star import, every name in `__all__` that
the module does not define becomes an alias into the imported module.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe


def _type_checking_star_imports(node: ast.Module, module: griffe.Module) -> list[str]:
    """Absolute names of the modules star-imported under `if TYPE_CHECKING:`."""
    found = []
    for statement in node.body:
        if not (isinstance(statement, ast.If) and ast.unparse(statement.test) == "TYPE_CHECKING"):
            continue
        for inner in statement.body:
            if isinstance(inner, ast.ImportFrom) and [a.name for a in inner.names] == ["*"]:
                parts = module.path.split(".")
                # Relative imports count from the package: a package's own
                # __init__ is one level deeper than a plain module.
                drop = inner.level - 1 if module.is_init_module else inner.level
                base = parts[: len(parts) - drop] if inner.level else []
                found.append(".".join([*base, *([inner.module] if inner.module else [])]))
    return found


class LazyExports(griffe.Extension):
    def __init__(self) -> None:
        super().__init__()
        self._sources: dict[str, list[str]] = {}

    def on_module_members(self, *, node: Any, mod: griffe.Module, **kwargs: Any) -> None:
        if isinstance(node, ast.Module):
            targets = _type_checking_star_imports(node, mod)
            if targets:
                self._sources[mod.path] = targets

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        collection = pkg.modules_collection
        for path, targets in self._sources.items():
            module = collection.get_member(path)
            for name in module.exports or ():
                if not isinstance(name, str) or name in module.members:
                    continue
                for target in targets:
                    if name in collection.get_member(target).members:
                        module.set_member(name, griffe.Alias(name, f"{target}.{name}"))
                        break
