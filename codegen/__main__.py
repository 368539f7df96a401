"""``python -m codegen [--check]``: regenerate lambda_client/_generated.

With ``--check`` nothing is written; the exit status is 1 when the
checked-in tree differs from a fresh render (CI runs this).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import endpoints_render
from .load import load_model
from .lower import lower
from .render import format_sources, render_sources, stale_files, write_tree

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "lambda_client" / "_generated"


def generate() -> dict[str, str]:
    raw = load_model()
    sources = render_sources(lower(raw))
    sources.update(endpoints_render.render(raw))
    return format_sources(sources, ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args(argv)
    sources = generate()
    if args.check:
        stale = stale_files(sources, TARGET)
        if stale:
            print(f"{len(stale)} generated file(s) are stale; run `python -m codegen`:")
            for name in stale[:20]:
                print(f"  {name}")
            return 1
        print(f"{len(sources)} generated files are up to date")
        return 0
    write_tree(sources, TARGET)
    print(f"wrote {len(sources)} files to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
