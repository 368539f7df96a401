"""mkdocs hook: notebooks executed during the build and shown on the site.

A page includes a notebook with a marker line, `<!-- notebook:tour.ipynb -->`
(the path is relative to the docs directory). The hook runs the notebook
top to bottom in a fresh kernel (nbclient), fails the build if a cell
raises, and puts the cells and their outputs in place of the marker: code
as highlighted Python, printed text as text blocks, rich outputs (model
tables, DataFrames, images) as the HTML or image the notebook produced.
The executed notebook is also published beside its page for download.
The source notebook stays committed without outputs.
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

_MARKER = re.compile(r"^<!-- notebook:(\S+\.ipynb) -->$", re.MULTILINE)
#: Seconds one cell may take before the build gives up on it.
CELL_TIMEOUT = 120

_executed: dict[str, Any] = {}


def execute(path: Path) -> Any:
    """The notebook at ``path``, run in a fresh kernel with the docs
    directory as its working directory. Raises PluginError if a cell fails."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel's own log (start-up notices) is kept out of the build's
    # output and shown only if running the notebook fails.
    with tempfile.TemporaryFile() as log:
        try:
            client.execute(stderr=log)
        except (CellExecutionError, DeadKernelError, RuntimeError) as e:
            log.seek(0)
            kernel_log = log.read().decode(errors="replace")[-4000:]
            raise PluginError(
                f"{path.name} failed while building the docs:\n{e}\n{kernel_log}"
            ) from e
    return notebook


def _fence(text: str, language: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _demote_headings(source: str) -> str:
    """One level down, so the notebook's title sits under the page's."""
    out, in_code = [], False
    for line in source.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        out.append("#" + line if not in_code and re.match(r"#{1,5} ", line) else line)
    return "\n".join(out)


def _output(output: Any) -> str:
    kind = output.output_type
    if kind == "stream":
        return _fence(output.text, "text")
    if kind == "error":
        raise PluginError(f"a notebook cell raised {output.ename}: {output.evalue}")
    data = output.get("data", {})
    if "text/html" in data:
        return f'<div class="notebook-output">\n{data["text/html"].strip()}\n</div>'
    if "image/png" in data:
        png = data["image/png"].replace("\n", "")
        base64.b64decode(png, validate=True)
        return f'<img class="notebook-output" alt="output" src="data:image/png;base64,{png}">'
    if "text/plain" in data:
        return _fence(data["text/plain"], "text")
    return ""


def to_markdown(notebook: Any) -> str:
    """The cells and outputs of an executed notebook as Markdown."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(_demote_headings(cell.source))
        elif cell.cell_type == "code" and cell.source.strip():
            parts.append(_fence(cell.source, "python"))
            parts.extend(filter(None, (_output(o) for o in cell.outputs)))
    return "\n\n".join(parts) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Run every notebook a page names and publish the executed copy."""
    _executed.clear()
    docs_dir = Path(config.docs_dir)
    for file in files.documentation_pages():
        if file.abs_src_path is None:
            continue  # generated pages carry no markers
        for name in _MARKER.findall(file.content_string):
            if name in _executed:
                continue
            _executed[name] = execute(docs_dir / name)
            # The committed notebook is left out of the site (exclude_docs);
            # the executed one takes its place.
            source = files.get_file_from_path(name)
            if source is not None:
                files.remove(source)
            content = nbformat.writes(_executed[name])
            files.append(
                File.generated(config, name, content=content, inclusion=InclusionLevel.INCLUDED)
            )
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def replace(match: re.Match[str]) -> str:
        return to_markdown(_executed[match.group(1)])

    return _MARKER.sub(replace, markdown)
