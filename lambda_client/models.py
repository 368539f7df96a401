"""Every structure and enum of the Lambda model, under the model's own names
(``models.FunctionConfiguration``, ``models.Runtime``). Classes are loaded on
first use, so importing this module is cheap."""

from typing import TYPE_CHECKING, Any

from ._generated import models as _generated

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = _generated.__all__


def __getattr__(name: str) -> Any:
    value = _generated.load(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
