"""``python -m codegen [--check | --update [--to VERSION]]``: regenerate lambda_client/_generated.

With ``--check`` nothing is written; the exit status is 1 when the
checked-in tree differs from a fresh render (CI runs this). ``--update``
moves the project to the newest botocore model on the package index (or
``--to VERSION``) and records the API changes (``codegen/update.py``).
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
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if the output is stale")
    mode.add_argument(
        "--update",
        action="store_true",
        help="pin the newest botocore, regenerate and write the API changelog entry",
    )
    parser.add_argument("--to", metavar="VERSION", help="with --update: this botocore release")
    args = parser.parse_args(argv)
    if args.to and not args.update:
        parser.error("--to goes with --update")
    if args.update:
        from .update import Project, UpdateError, update

        try:
            update(Project(ROOT), args.to)
        except UpdateError as e:
            print(f"update failed: {e}", file=sys.stderr)
            return 1
        return 0
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
