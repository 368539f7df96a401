"""Properties of models.to_dict / from_dict over every structure of the model."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_client import errors, models
from tests.model_strategies import data_fields, instances, mistyped, structure_classes

CLASSES = structure_classes()
EXAMPLES = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def test_every_structure_is_covered() -> None:
    from codegen.load import load_model

    shapes = load_model().service["shapes"]
    structures = {
        name
        for name, shape in shapes.items()
        if shape["type"] == "structure" and not shape.get("exception")
    }
    assert {cls.__name__ for cls in CLASSES} == structures


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@EXAMPLES
@given(data=st.data())
def test_to_dict_then_from_dict_gives_the_instance_back(
    cls: type[Any], data: st.DataObject
) -> None:
    obj = data.draw(instances(cls), label="instance")
    assert models.from_dict(cls, models.to_dict(obj)) == obj


@pytest.mark.parametrize("cls", [c for c in CLASSES if data_fields(c)], ids=lambda c: c.__name__)
@EXAMPLES
@given(data=st.data())
def test_a_mistyped_member_is_refused_with_its_path(cls: type[Any], data: st.DataObject) -> None:
    dumped = models.to_dict(data.draw(instances(cls), label="instance"))
    field = data.draw(st.sampled_from(data_fields(cls)), label="member")
    wire = field.metadata["wire"]
    dumped[wire] = mistyped(field.type, field.metadata["check"])
    with pytest.raises(errors.ParamValidationError) as info:
        models.from_dict(cls, dumped)
    assert f"{cls.__name__}.{wire}" in {path for path, _ in info.value.errors}
