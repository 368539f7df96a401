"""docs/tour.ipynb runs from top to bottom against the embedded endpoint."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "tour.ipynb"

pytestmark = pytest.mark.integration


def test_tour_notebook_executes() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "ResourceNotFoundException 404" in text
    assert "memory_size: value 64 is below the minimum of 128" in text
    assert "not-shown" not in text + html
    assert "<b>FunctionConfiguration</b>" in html
    assert "orders" in html and "billing" in html and "search" in html
