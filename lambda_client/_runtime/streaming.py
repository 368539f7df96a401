"""Typed event streams over a response body (InvokeWithResponseStream)."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

import attrs

from .eventstream import EventMessage, iter_messages
from .exceptions import (
    DeserializationError,
    EventStreamError,
    LambdaClientError,
    ServiceError,
    UnknownServiceError,
)
from .http import ResponseStream
from .messages import describe, foreign_cause, redact_service_error
from .model_reading import read_json, service_error, structure

E = TypeVar("E")


class _EndSignal:
    """Tells a watcher, once, that a stream ended: ``None`` at its end, the
    exception that ended it, or ``GeneratorExit`` when the consumer closed
    or dropped it first. Held by the stream and by its iterator, and
    referring to neither, so that it adds no reference cycle."""

    __slots__ = ("callback",)

    def __init__(self) -> None:
        self.callback: Callable[[BaseException | None], None] | None = None

    def fire(self, error: BaseException | None) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback(error)


class EventStream(Generic[E]):
    """An async iterator of typed events, decoded from the socket as frames
    arrive. ``aclose()`` or ``async with`` releases the connection at once;
    leaving the loop early releases it as soon as the stream is no longer
    referenced.

    The blocking client hands out a `BlockingEventStream` (``blocking.py``)
    instead, iterated with ``for``; both are of this type, which is the one
    the output models declare."""

    def __init__(self, stream: ResponseStream, parse: Callable[[EventMessage], E | None]) -> None:
        self._stream = stream
        self._parse = parse
        self._iterator: AsyncIterator[E] | None = None
        self._end = _EndSignal()

    def on_end(self, callback: Callable[[BaseException | None], None]) -> None:
        """Call ``callback`` once when the stream ends, fails, or is closed
        or dropped before its end (telemetry ends the call's span there)."""
        self._end.callback = callback
        finalizer = weakref.finalize(self, self._end.fire, GeneratorExit())
        finalizer.atexit = False

    def __iter__(self) -> Iterator[E]:
        """Synchronous iteration: only for streams the blocking client returns."""
        raise TypeError("iterate this stream with `async for` (it came from the async client)")

    def close(self) -> None:
        """Release the connection: only for streams the blocking client returns."""
        raise TypeError("use `await stream.aclose()` (it came from the async client)")

    def __aiter__(self) -> AsyncIterator[E]:
        if self._iterator is None:
            self._iterator = _events(self._stream, self._parse, self._end)
        return self._iterator

    async def aclose(self) -> None:
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]
        await self._stream.aclose()
        self._end.fire(GeneratorExit())

    async def __aenter__(self) -> EventStream[E]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<EventStream of {type(self._stream).__name__}>"


class BufferedBody:
    """A body already read whole, served as a `ResponseStream`."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        if self._body:
            yield self._body

    async def aclose(self) -> None:
        self._body = b""


def no_events() -> EventStream[Any]:
    """An event stream that ends at once: the event-stream member of an
    output built by hand (a stub's response) until events are given."""
    return EventStream(BufferedBody(b""), _no_event)


def _no_event(message: EventMessage) -> None:
    return None


async def _events(
    stream: ResponseStream, parse: Callable[[EventMessage], E | None], end: _EndSignal
) -> AsyncIterator[E]:
    # Not a method: a suspended generator holding the EventStream that holds
    # it is a reference cycle, so a consumer that breaks out of its loop and
    # drops the stream would keep the connection until the cyclic collector
    # happened to run, and a small pool would stall meanwhile.
    try:
        async for message in iter_messages(stream.iter_chunks()):
            event = parse(message)
            if event is not None:
                yield event
    except BaseException as e:
        try:
            await stream.aclose()
        finally:
            end.fire(e)
        raise
    await stream.aclose()
    end.fire(None)


def event_parser(
    events: Mapping[str, type],
    operation: str,
    errors: Callable[[], Mapping[str, type[ServiceError]]],
    redactor: Callable[[], Callable[[str], str]] | None = None,
) -> Callable[[EventMessage], Any]:
    """Turns frames into the modelled event classes (``events`` maps the
    ``:event-type`` to its class). Exception frames raise the typed service
    error of the class ``errors`` gives for their code (its text cleaned by
    what ``redactor`` makes); event types newer
    than the model are skipped. Whatever a frame holds, only the library's exceptions are
    raised."""
    raw_payload = {
        name: next(
            (f.name for f in attrs.fields(cls) if f.metadata.get("loc") == "eventpayload"), None
        )
        for name, cls in events.items()
    }

    def event(message: EventMessage) -> Any:
        name = message.event_type or ""
        cls = events.get(name)
        if cls is None:
            return None
        attr = raw_payload[name]
        if attr is not None:
            obj = cls()
            setattr(obj, attr, message.payload)
            return obj
        try:
            data = read_json(message.payload)
        except ValueError as e:
            raise DeserializationError(
                describe(
                    f"The payload of a {name} event is not JSON", operation=operation, cause=e
                ),
                status_code=200,
                body=message.payload[:2048],
            ) from foreign_cause(e)
        return structure(data, cls, 200, message.payload, operation=operation)

    def exception(message: EventMessage) -> ServiceError:
        code = (message.exception_type or "UnknownException")[:128]
        try:
            data = read_json(message.payload)
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        error_cls = errors().get(code, UnknownServiceError)
        text = data.get("message", data.get("Message"))
        arguments: dict[str, Any] = {
            "code": code,
            "message": text if isinstance(text, str) else None,
            "status_code": 200,
            "operation": operation,
        }
        error = service_error(error_cls, data, **arguments)
        if redactor is not None:
            redact_service_error(error, redactor())
        return error

    def parse(message: EventMessage) -> Any:
        kind = message.message_type
        try:
            if kind == "event":
                return event(message)
            if kind == "exception":
                failure: LambdaClientError = exception(message)
            else:
                details = " ".join(
                    str(message.headers[name])
                    for name in (":error-code", ":error-message")
                    if name in message.headers
                )
                if redactor is not None:
                    details = redactor()(details)
                failure = EventStreamError(
                    f"{operation} stream reported {kind or 'an unknown message'}: {details}".strip()
                )
        except LambdaClientError:
            raise
        except Exception as e:
            raise EventStreamError(
                describe("Cannot read an event", operation=operation, cause=e)
            ) from foreign_cause(e)
        raise failure

    return parse
