"""Endpoint resolution: a small interpreter for Smithy endpoint rule sets.

Lambda publishes its endpoints as a rule set (see the Smithy rules-engine
specification) evaluated against the AWS partition table. Both documents are
generated; the generated layer hands them over as a function (the service's
``endpoint_rules``) that loads them on the first resolution, not when the
client package is imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from .exceptions import EndpointResolutionError
from .messages import safe_url
from .records import FrozenRecord
from .service_model import EndpointRules

__all__ = [
    "ResolvedEndpoint",
    "evaluate_rule_set",
    "resolve",
]

_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_ATTR_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)?(?:\[(\d+)\])?")


class ResolvedEndpoint(FrozenRecord):
    __slots__ = ("url", "properties", "headers")  # noqa: RUF023 (repr order)

    url: str
    properties: dict[str, Any]
    headers: dict[str, list[str]]

    def __init__(self, url: str, properties: dict[str, Any], headers: dict[str, list[str]]) -> None:
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "properties", properties)
        object.__setattr__(self, "headers", headers)

    # Its dicts make it unhashable, as the attrs class it replaces was.
    __hash__ = None  # type: ignore[assignment]


def resolve(
    rules: Callable[[], EndpointRules],
    region: str | None,
    *,
    use_fips: bool = False,
    use_dualstack: bool = False,
    endpoint_url: str | None = None,
) -> str:
    """The URL requests go to, per the service's endpoint rule set (``rules``
    returns it and its partition table; it is called on the first resolution).

    ``endpoint_url`` (a custom endpoint) is returned as given. Raises
    `EndpointResolutionError` with the rule set's message when the
    combination is not supported (FIPS with a custom endpoint, no region, ...).
    """
    # An empty region usually comes from an empty environment variable; the
    # rule set would treat it as set and build "lambda..amazonaws.com".
    return _resolve(rules, region or None, bool(use_fips), bool(use_dualstack), endpoint_url)


@functools.lru_cache(maxsize=64)
def _resolve(
    rules: Callable[[], EndpointRules],
    region: str | None,
    use_fips: bool,
    use_dualstack: bool,
    endpoint_url: str | None,
) -> str:
    # The rule set pastes the region into the host name unchecked, so a value
    # such as "us-east-1.evil.example/" would redirect signed requests.
    if region is not None and not _is_valid_host_label(region, False):
        raise EndpointResolutionError(
            f"Invalid region {region!r}: a region is a single DNS label such as 'us-east-1'"
        )
    if endpoint_url is not None:
        _check_endpoint_url(endpoint_url)

    ruleset, partitions = rules()
    builtins: dict[str, object] = {
        "AWS::Region": region,
        "AWS::UseFIPS": use_fips,
        "AWS::UseDualStack": use_dualstack,
        "SDK::Endpoint": endpoint_url,
    }
    params = {
        name: builtins[spec["builtIn"]]
        for name, spec in ruleset["parameters"].items()
        if spec.get("builtIn") in builtins
    }
    return evaluate_rule_set(ruleset, partitions, params).url


def _check_endpoint_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise EndpointResolutionError(
            f"Invalid endpoint URL {safe_url(url)!r}: not a URL with a valid port"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # Typically "localhost:4566" without a scheme, which would otherwise
        # fail much later as a confusing transport error.
        raise EndpointResolutionError(
            f"Invalid endpoint URL {safe_url(url)!r}: "
            "expected http:// or https:// followed by a host"
        )


def evaluate_rule_set(
    ruleset: Mapping[str, Any], partitions: Mapping[str, Any], params: Mapping[str, Any]
) -> ResolvedEndpoint:
    """Evaluates an endpoint rule set for the given parameter values.

    ``params`` maps rule-set parameter names to values; ``None`` means unset.
    """
    specs: Mapping[str, Any] = ruleset["parameters"]
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise EndpointResolutionError(f"Unknown endpoint parameters: {', '.join(unknown)}")
    scope: dict[str, Any] = {}
    for name, spec in specs.items():
        value = params.get(name)
        if value is None:
            value = spec.get("default")
        if value is None:
            if spec.get("required"):
                raise EndpointResolutionError(f"Missing required endpoint parameter {name}")
            continue
        _check_parameter_type(name, spec["type"], value)
        scope[name] = value
    result = _Evaluator(partitions).rules(ruleset["rules"], scope)
    if result is None:
        shown = {
            k: safe_url(v) if k == "Endpoint" and isinstance(v, str) else v
            for k, v in scope.items()
        }
        raise EndpointResolutionError(f"No endpoint rule matches the parameters {shown!r}")
    return result


def _check_parameter_type(name: str, kind: str, value: object) -> None:
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "stringArray":
        ok = isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
    else:
        raise EndpointResolutionError(f"Endpoint parameter {name} has unknown type {kind!r}")
    if not ok:
        raise EndpointResolutionError(
            f"Endpoint parameter {name} must be a {kind}, got {type(value).__name__}"
        )


class _Evaluator:
    def __init__(self, partitions: Mapping[str, Any]) -> None:
        self._partitions = partitions

    def rules(self, rules: Sequence[Any], scope: dict[str, Any]) -> ResolvedEndpoint | None:
        for rule in rules:
            result = self.rule(rule, scope)
            if result is not None:
                return result
        return None

    def rule(self, rule: Mapping[str, Any], scope: dict[str, Any]) -> ResolvedEndpoint | None:
        # Assignments are visible to the rule's later conditions and its
        # sub-rules only, never to its siblings.
        local = dict(scope)
        for condition in rule.get("conditions", ()):
            value = self.call(condition, local)
            if value is None or value is False:
                return None
            target = condition.get("assign")
            if target is not None:
                if target in local:
                    raise EndpointResolutionError(f"Rule set assigns {target!r} twice in one scope")
                local[target] = value
        kind = rule["type"]
        if kind == "endpoint":
            return self.endpoint(rule["endpoint"], local)
        if kind == "error":
            message = self.value(rule["error"], local)
            raise EndpointResolutionError(str(message))
        if kind == "tree":
            result = self.rules(rule["rules"], local)
            if result is None:
                # The spec makes a tree terminal once its conditions hold: no
                # falling through to the rules after it.
                raise EndpointResolutionError(
                    "No endpoint rule matches: a rule tree ran out of rules"
                )
            return result
        raise EndpointResolutionError(f"Unknown endpoint rule type {kind!r}")

    def endpoint(self, spec: Mapping[str, Any], scope: dict[str, Any]) -> ResolvedEndpoint:
        url = self.value(spec["url"], scope)
        if not isinstance(url, str):
            raise EndpointResolutionError(f"Endpoint URL evaluated to {url!r}, not a string")
        headers: dict[str, list[str]] = {}
        for name, values in spec.get("headers", {}).items():
            headers[name] = [self.string(item, scope) for item in values]
        properties = {
            key: self.literal(item, scope) for key, item in spec.get("properties", {}).items()
        }
        return ResolvedEndpoint(url=url, properties=properties, headers=headers)

    def value(self, expr: Any, scope: Mapping[str, Any]) -> Any:
        if isinstance(expr, str):
            return self.template(expr, scope)
        if isinstance(expr, Mapping):
            if "fn" in expr:
                return self.call(expr, scope)
            if "ref" in expr:
                return scope.get(expr["ref"])
            raise EndpointResolutionError(f"Not a rule set expression: {expr!r}")
        if isinstance(expr, list):
            return [self.value(item, scope) for item in expr]
        return expr

    def literal(self, expr: Any, scope: Mapping[str, Any]) -> Any:
        # Endpoint properties are literal objects (e.g. auth schemes) whose
        # strings are templates; only "fn" and "ref" objects are expressions.
        if isinstance(expr, Mapping) and not ("fn" in expr or "ref" in expr):
            return {key: self.literal(item, scope) for key, item in expr.items()}
        if isinstance(expr, list):
            return [self.literal(item, scope) for item in expr]
        return self.value(expr, scope)

    def string(self, expr: Any, scope: Mapping[str, Any]) -> str:
        value = self.value(expr, scope)
        if not isinstance(value, str):
            raise EndpointResolutionError(f"{expr!r} evaluated to {value!r}, not a string")
        return value

    def template(self, text: str, scope: Mapping[str, Any]) -> str:
        if "{" not in text and "}" not in text:
            return text

        def substitute(match: re.Match[str]) -> str:
            piece = match.group(0)
            if piece == "{{":
                return "{"
            if piece == "}}":
                return "}"
            name, _, path = match.group(1).partition("#")
            value = scope.get(name)
            if path:
                value = _get_attr(value, path)
            if not isinstance(value, str):
                raise EndpointResolutionError(
                    f"Template {text!r}: {match.group(1)} is {value!r}, not a string"
                )
            return value

        return _TEMPLATE_TOKEN.sub(substitute, text)

    def call(self, expr: Mapping[str, Any], scope: Mapping[str, Any]) -> Any:
        name = expr["fn"]
        args = [self.value(arg, scope) for arg in expr["argv"]]
        if name == "aws.partition":
            _check_arity(name, args, 1)
            return _aws_partition(self._partitions, args[0])
        entry = _FUNCTIONS.get(name)
        if entry is None:
            raise EndpointResolutionError(f"Unsupported endpoint rule function {name!r}")
        arity, impl = entry
        _check_arity(name, args, arity)
        return impl(*args)


def _check_arity(name: str, args: Sequence[Any], arity: int) -> None:
    if len(args) != arity:
        raise EndpointResolutionError(f"{name} takes {arity} arguments, got {len(args)}")


# The standard library of the rules engine. Functions return None (the spec's
# "empty optional") rather than raising when an input is unset, which makes
# the condition holding them fail.


def _is_set(value: object) -> bool:
    return value is not None


def _not(value: object) -> bool:
    if not isinstance(value, bool):
        raise EndpointResolutionError(f"not() needs a boolean, got {value!r}")
    return not value


def _boolean_equals(left: object, right: object) -> bool:
    if left is None or right is None:
        return False
    if not (isinstance(left, bool) and isinstance(right, bool)):
        raise EndpointResolutionError(f"booleanEquals() needs booleans, got {left!r}, {right!r}")
    return left is right


def _string_equals(left: object, right: object) -> bool:
    if left is None or right is None:
        return False
    if not (isinstance(left, str) and isinstance(right, str)):
        raise EndpointResolutionError(f"stringEquals() needs strings, got {left!r}, {right!r}")
    return left == right


def _get_attr(value: object, path: str) -> Any:
    steps = [_ATTR_STEP.fullmatch(step) if step else None for step in path.split(".")]
    current: Any = value
    for step in steps:
        if step is None:
            raise EndpointResolutionError(f"Invalid getAttr path {path!r}")
        name, index = step.groups()
        if name is not None:
            current = current.get(name) if isinstance(current, Mapping) else None
        if index is not None:
            position = int(index)
            in_range = isinstance(current, list | tuple) and position < len(current)
            current = current[position] if in_range else None
    return current


def _substring(value: object, start: int, stop: int, reverse: bool) -> str | None:
    # Indexes count characters, which only equal bytes on the wire for ASCII.
    if not isinstance(value, str) or not value.isascii():
        return None
    if start < 0 or start >= stop or stop > len(value):
        return None
    if reverse:
        return value[len(value) - stop : len(value) - start]
    return value[start:stop]


def _is_valid_host_label(value: object, allow_subdomains: bool) -> bool:
    if not isinstance(value, str):
        return False
    labels = value.split(".") if allow_subdomains else [value]
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def _uri_encode(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # quote() leaves exactly RFC 3986's unreserved characters alone once "/"
    # is removed from its default safe set.
    return quote(value, safe="")


def _parse_url(value: object) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        return None
    path = parts.path
    normalized = path if path.startswith("/") else f"/{path}"
    if not normalized.endswith("/"):
        normalized += "/"
    return {
        "scheme": parts.scheme,
        "authority": parts.netloc,
        "path": path,
        "normalizedPath": normalized,
        "isIp": _is_ip(parts.hostname),
    }


def _is_ip(host: str | None) -> bool:
    import ipaddress

    if host is None:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _aws_partition(data: Mapping[str, Any], region: object) -> dict[str, Any] | None:
    if not isinstance(region, str):
        return None
    partitions: Sequence[Mapping[str, Any]] = data["partitions"]
    # Listed regions win over patterns: a region can be listed in one
    # partition while looking like another partition's names.
    for partition in partitions:
        overrides = partition["regions"].get(region)
        if overrides is not None:
            return _partition_result(partition, overrides)
    for partition in partitions:
        if re.fullmatch(partition["regionRegex"], region):
            return _partition_result(partition, {})
    # Regions newer than this table most likely belong to the commercial
    # partition, so unknown names resolve there rather than failing.
    for partition in partitions:
        if partition["id"] == "aws":
            return _partition_result(partition, {})
    return None


def _partition_result(partition: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    # A fresh dict each time: the table is shared module data.
    result = dict(partition["outputs"])
    result.update((key, value) for key, value in overrides.items() if key in result)
    result.setdefault("name", partition["id"])
    return result


_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "booleanEquals": (2, _boolean_equals),
    "getAttr": (2, _get_attr),
    "isSet": (1, _is_set),
    "isValidHostLabel": (2, _is_valid_host_label),
    "not": (1, _not),
    "parseURL": (1, _parse_url),
    "stringEquals": (2, _string_equals),
    "substring": (4, _substring),
    "uriEncode": (1, _uri_encode),
}
