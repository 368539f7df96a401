"""The generated enums are built on first use, once, whoever asks first."""

from __future__ import annotations

import pickle
import threading

import pytest

from lambda_client import models
from lambda_client._generated import enums
from lambda_client._runtime.enums import OpenEnum


def test_an_enum_is_the_same_class_however_it_is_reached() -> None:
    assert models.Runtime is enums.Runtime
    assert models.FunctionConfiguration(runtime="python3.12").runtime is enums.Runtime.PYTHON3_12
    assert issubclass(enums.Runtime, OpenEnum)
    assert enums.Runtime.__module__ == "lambda_client._generated.enums"
    assert enums.Runtime.__qualname__ == "Runtime"


def test_members_and_unknown_values_pickle_to_themselves() -> None:
    member = enums.Architecture.ARM64
    assert pickle.loads(pickle.dumps(member)) is member  # noqa: S301 - our own object
    unknown = enums.Architecture("riscv64")
    assert unknown.is_unknown
    assert pickle.loads(pickle.dumps(unknown)) == "riscv64"  # noqa: S301


def test_converters_are_built_with_their_enum() -> None:
    assert enums.to_tracing_mode("Active") is enums.TracingMode.ACTIVE
    assert enums.to_architecture_list(["arm64", "x86_64"]) == [
        enums.Architecture.ARM64,
        enums.Architecture.X86_64,
    ]
    assert enums.to_tracing_mode.__name__ == "to_tracing_mode"
    assert enums.to_tracing_mode(None) is None
    # Wrong types are left for validation to name.
    assert enums.to_tracing_mode(3) == 3  # type: ignore[arg-type]


def test_docstrings_survive() -> None:
    documented = [n for n, (doc, _) in enums._DEFINITIONS.items() if doc]
    assert documented
    assert getattr(enums, documented[0]).__doc__


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchEnum"):
        enums.NoSuchEnum  # noqa: B018
    assert "to_runtime" in dir(enums)
    assert "Runtime" in dir(enums)


def test_threads_racing_for_a_new_enum_get_one_class() -> None:
    name = "KafkaSchemaValidationAttribute"
    names = [name, *(c for c, (e, _) in enums._CONVERTERS.items() if e == name)]
    namespace = vars(enums)
    # Forget the enum and its converters if an earlier test built them, so
    # that the threads race to build them; put back exactly what was there.
    saved = {n: namespace.pop(n) for n in names if n in namespace}
    try:
        start = threading.Barrier(8)
        seen: list[type] = []

        def get() -> None:
            start.wait()
            seen.append(getattr(enums, name))

        threads = [threading.Thread(target=get) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(seen) == 8
        assert all(cls is seen[0] for cls in seen)
    finally:
        for n in names:
            namespace.pop(n, None)
        namespace.update(saved)
