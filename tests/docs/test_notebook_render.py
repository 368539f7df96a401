"""How docsite/notebook.py turns an executed notebook into Markdown."""

from __future__ import annotations

import base64
from pathlib import Path

import markdown
import nbformat
import pytest
from mkdocs.exceptions import PluginError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from docsite import notebook


def _render(nb: nbformat.NotebookNode) -> str:
    return markdown.markdown(notebook.to_markdown(nb), extensions=["fenced_code"])


def test_cells_and_outputs_in_order() -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Title\n\nSome *text*."),
            new_code_cell(
                "print('hi')\nx",
                outputs=[
                    new_output("stream", name="stdout", text="hi\n"),
                    new_output(
                        "execute_result",
                        data={
                            "text/plain": "X()",
                            "text/html": "<table><tr><td>x</td></tr></table>",
                        },
                        execution_count=1,
                    ),
                ],
            ),
        ]
    )
    html = _render(nb)
    assert "<h2>Title</h2>" in html  # one level under the page's own title
    assert html.index("print(") < html.index("hi\n") < html.index("<td>x</td>")
    assert '<div class="notebook-output">' in html
    assert "X()" not in html  # the richer HTML wins over the plain text


def test_headings_inside_code_fences_are_left_alone() -> None:
    source = "## Part\n\n```sh\n# a shell comment\n```"
    assert notebook._demote_headings(source) == "### Part\n\n```sh\n# a shell comment\n```"


def test_output_with_backticks_gets_a_longer_fence() -> None:
    nb = new_notebook(
        cells=[new_code_cell("x", outputs=[new_output("stream", name="stdout", text="```\n")])]
    )
    text = notebook.to_markdown(nb)
    assert "````text\n```\n````" in text


def test_images_are_embedded() -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8).decode()
    nb = new_notebook(
        cells=[
            new_code_cell(
                "plot()",
                outputs=[
                    new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
                ],
            )
        ]
    )
    assert f'src="data:image/png;base64,{png}"' in notebook.to_markdown(nb)


def test_an_error_output_fails_the_build() -> None:
    nb = new_notebook(
        cells=[
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]
                    )
                ],
            )
        ]
    )
    with pytest.raises(PluginError, match="ZeroDivisionError"):
        notebook.to_markdown(nb)


def test_a_failing_cell_stops_execution(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("raise ValueError('nope')")]), path)
    with pytest.raises(PluginError, match="nope"):
        notebook.execute(path)
