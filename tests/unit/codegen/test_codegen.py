"""The generator: names, IR invariants, determinism and the staleness check."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore import xform_name

from codegen import naming
from codegen.differ import counts
from codegen.load import load_model
from codegen.lower import lower
from codegen.render import render_sources, stale_files

RAW = load_model()
SERVICE = lower(RAW)


def _all_model_names() -> set[str]:
    names = set(RAW.service["operations"]) | set(RAW.waiters["waiters"])
    for shape in RAW.service["shapes"].values():
        names |= set(shape.get("members", {}))
    return names


def test_snake_case_matches_botocore_for_every_model_name() -> None:
    mismatches = {n: (xform_name(n), naming.snake_case(n)) for n in _all_model_names()}
    assert {n: v for n, v in mismatches.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nodejs22.x", "NODEJS22_X"),
        ("python3.12", "PYTHON3_12"),
        ("CallerRateLimitExceeded", "CALLER_RATE_LIMIT_EXCEEDED"),
        ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
        ("x86_64", "X86_64"),
        ("2xx", "V2XX"),
    ],
)
def test_enum_member_names(value: str, expected: str) -> None:
    assert naming.enum_member_name(value) == expected


def test_python_keywords_are_escaped() -> None:
    assert naming.attribute_name("Lambda") == "lambda_"
    # Soft keywords are names; escaping them follows the generating Python
    # (3.12 made "type" one) and would rename public attributes.
    for soft in ("Type", "Match", "Case"):
        assert naming.attribute_name(soft) == soft.lower()


def test_ir_covers_the_whole_model() -> None:
    # Counted from the model by the differ's own rules, so a newer model
    # needs no edit here; what is checked is that lowering drops nothing.
    expected = counts(RAW)
    assert len(SERVICE.operations) == expected.operations
    assert len(SERVICE.structures) == expected.structures
    assert len(SERVICE.enums) == expected.enums
    assert len(SERVICE.errors) == expected.errors
    assert {op.name for op in SERVICE.operations} == set(RAW.service["operations"])
    throttling = {e.name for e in SERVICE.errors if e.throttling}
    assert throttling == {"TooManyRequestsException", "EC2ThrottledException"}
    invoking = {op.name for op in SERVICE.operations if op.invokes_function}
    assert invoking == {"Invoke", "InvokeAsync", "InvokeWithResponseStream"}


def test_output_only_shapes_never_require_members() -> None:
    by_name = {s.name: s for s in SERVICE.structures}
    assert not any(m.required for m in by_name["FunctionConfiguration"].members)
    request = by_name["CreateFunctionRequest"]
    assert {m.wire_name for m in request.members if m.required} == {"FunctionName", "Role", "Code"}


def test_bindings_are_lowered_from_the_model() -> None:
    ops = {op.name: op for op in SERVICE.operations}
    invoke = ops["Invoke"]
    locations = {m.wire_name: (m.location, m.location_name) for m in invoke.input.members}
    assert locations["FunctionName"] == ("uri", "FunctionName")
    assert locations["InvocationType"] == ("header", "X-Amz-Invocation-Type")
    assert locations["Payload"] == ("payload", "Payload")
    assert invoke.payload == "payload"
    assert ops["InvokeWithResponseStream"].streaming_output
    token = next(
        m for m in ops["CheckpointDurableExecution"].input.members if m.wire_name == "ClientToken"
    )
    assert token.idempotency_token


def test_rendering_is_deterministic() -> None:
    assert render_sources(SERVICE) == render_sources(lower(load_model()))


def test_stale_files_names_every_difference(tmp_path: Path) -> None:
    sources = {"a.py": "x = 1\n", "models/b.py": "y = 2\n"}
    for rel, text in sources.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert stale_files(sources, tmp_path) == []
    (tmp_path / "a.py").write_text("x = 2\n")
    (tmp_path / "extra.py").write_text("")
    assert stale_files({**sources, "new.py": ""}, tmp_path) == ["a.py", "extra.py", "new.py"]


def test_generated_tree_is_current() -> None:
    """The same check CI runs with ``python -m codegen --check``."""
    from codegen.__main__ import TARGET, generate

    assert stale_files(generate(), TARGET) == []


def test_the_generator_knows_every_structure_with_rules_over_several_members() -> None:
    # The generator reads its own table rather than import the runtime; a
    # structure missing here would get a _valid that skips its rules.
    from codegen.customizations import STRUCTURES_WITH_RULES
    from lambda_client._runtime.limits import RULES

    assert frozenset(RULES) == frozenset(STRUCTURES_WITH_RULES)


def test_a_rules_shortcut_never_passes_what_a_rule_refuses() -> None:
    # The generated _valid skips the rules when the shortcut's member is at
    # most its size: sound only while that is every rule's smallest limit
    # over that same member, measured in bytes.
    from codegen.customizations import STRUCTURES_WITH_RULES
    from lambda_client._runtime.limits import RULES, SizeLimit, byte_size

    shortcuts = {k: v for k, v in STRUCTURES_WITH_RULES.items() if v is not None}
    assert shortcuts
    for name, shortcut in shortcuts.items():
        for rule in RULES[name]:
            assert isinstance(rule, SizeLimit)
            assert rule.member == shortcut.member
            assert rule.measure is byte_size
            assert rule.unit == "bytes"
            assert shortcut.bytes == rule.smallest
