"""The blocking HTTP/1.1 exchange, over real sockets.

Each test connects the two ends of a ``socket.socketpair()``: one end is
wrapped in `http11.Connection` and exchanges with the code under test, the
other plays the server, answering with the bytes a case needs (whole, in
pieces, ending with the connection's end or not) and recording what the
request writer sent, which is checked byte for byte.

A server's answer is untrusted: the hostile cases, and a property test over
arbitrary answers split and cut anywhere, check that `exchange` returns or
raises `MalformedResponse` or `ShortResponse` only, never waits on bytes it
already has, and never quotes what it received.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from multidict import CIMultiDict

from lambda_client._runtime import http11
from lambda_client._runtime.http import HttpRequest
from lambda_client._runtime.http11 import (
    MAX_HEADERS,
    MAX_INTERIM,
    MAX_LINE,
    MalformedResponse,
    ShortResponse,
)
from tests.fuzz.strategies import fuzz_settings

HOST = "lambda.us-east-1.amazonaws.com"
#: Planted in hostile answers: no error message may repeat it.
SECRET = "S3CR3T-c0ffee-marker"
#: Generous: only a defect makes a test wait this long.
TIMEOUT = 5.0

Result = tuple[int, CIMultiDict[str], bytes, bool]


def request(
    method: str = "GET",
    path: str = "/2015-03-31/functions/",
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> HttpRequest:
    return HttpRequest(
        method=method,
        scheme="https",
        host=HOST,
        path=path,
        query=query,
        headers=headers if headers is not None else {},
        body=body,
    )


class Peer:
    """The server's end of the pair: answers from a thread and reads what
    the client wrote."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._thread: threading.Thread | None = None

    def answer(self, *pieces: bytes, close: bool = False, pause: float = 0.0) -> None:
        """Send ``pieces`` in order (``pause`` seconds apart, so that the
        client may read each alone), then end the connection if ``close``."""

        def send() -> None:
            # The client may stop reading and close early (a malformed answer).
            with suppress(OSError):
                for i, piece in enumerate(pieces):
                    if i and pause:
                        time.sleep(pause)
                    self.sock.sendall(piece)
                if close:
                    self.sock.shutdown(socket.SHUT_WR)

        self._thread = threading.Thread(target=send, daemon=True)
        self._thread.start()

    def read_exactly(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            part = self.sock.recv(size - len(data))
            if not part:
                break
            data += part
        return bytes(data)

    def read_all(self) -> bytes:
        """Everything until the client's end stops writing."""
        data = bytearray()
        while part := self.sock.recv(65536):
            data += part
        return bytes(data)

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join(TIMEOUT)
            assert not self._thread.is_alive(), "the answering thread did not finish"


@contextmanager
def pair(timeout: float = TIMEOUT) -> Iterator[tuple[http11.Connection, Peer]]:
    client, server = socket.socketpair()
    client.settimeout(timeout)
    server.settimeout(TIMEOUT)
    conn = http11.Connection(client)
    peer = Peer(server)
    try:
        yield conn, peer
    finally:
        # The client's end first: a thread still sending then fails at once.
        conn.close()
        peer.join()
        server.close()


def sent(conn: http11.Connection, peer: Peer) -> bytes:
    """Everything the client wrote (its end stops writing first)."""
    conn.sock.shutdown(socket.SHUT_WR)
    return peer.read_all()


def answered(
    *pieces: bytes, close: bool = False, method: str = "GET", pause: float = 0.0
) -> Result:
    with pair() as (conn, peer):
        peer.answer(*pieces, close=close, pause=pause)
        return http11.exchange(conn, request(method), HOST)


def refused(answer: bytes, error: type[Exception] = MalformedResponse) -> str:
    """The message of the error ``answer`` (followed by the connection's
    end) is refused with; it must not quote the answer."""
    with pytest.raises(error) as caught:
        answered(answer, close=True)
    assert type(caught.value) is error
    for text in (str(caught.value), repr(caught.value)):
        assert SECRET not in text
    return str(caught.value)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


def answer_of(
    status: bytes = b"200 OK", headers: list[bytes] | None = None, body: bytes = b""
) -> bytes:
    head = [b"HTTP/1.1 " + status, *(headers or [])]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


# ---------------------------------------------------------------- the writer


def written(req: HttpRequest, host: str = HOST) -> bytes:
    with pair() as (conn, peer):
        peer.answer(OK)
        status, _, _, _ = http11.exchange(conn, req, host)
        assert status == 200
        return sent(conn, peer)


def test_the_request_line_carries_the_path_and_query_exactly_as_given() -> None:
    req = request(
        path="/2015-03-31/functions/my%20fn%2Fx/invocations",
        query="Qualifier=%24LATEST&Marker=a%2Bb%3D&MaxItems=5",
        headers={"x-amz-date": "20240101T000000Z", "authorization": "AWS4-HMAC-SHA256 abc"},
    )
    assert written(req, "lambda.example:8443") == (
        b"GET /2015-03-31/functions/my%20fn%2Fx/invocations"
        b"?Qualifier=%24LATEST&Marker=a%2Bb%3D&MaxItems=5 HTTP/1.1\r\n"
        b"host: lambda.example:8443\r\n"
        b"x-amz-date: 20240101T000000Z\r\n"
        b"authorization: AWS4-HMAC-SHA256 abc\r\n"
        b"\r\n"
    )


def test_no_query_means_no_question_mark() -> None:
    assert written(request(path="/a/b")) == f"GET /a/b HTTP/1.1\r\nhost: {HOST}\r\n\r\n".encode()


def test_a_host_header_given_is_sent_as_given_and_not_doubled() -> None:
    req = request(headers={"x-a": "1", "host": "signed.example", "x-b": "2"})
    assert written(req, "other.example") == (
        b"GET /2015-03-31/functions/ HTTP/1.1\r\nx-a: 1\r\nhost: signed.example\r\nx-b: 2\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("method", "body", "length"),
    [
        ("POST", b'{"a": 1}', b"8"),
        ("PUT", b"\x00" * 10, b"10"),
        ("POST", b"", b"0"),
        ("PUT", b"", b"0"),
        ("PATCH", b"", b"0"),
        ("GET", b"xyz", b"3"),
        ("DELETE", b"xy", b"2"),
        ("GET", b"", None),
        ("HEAD", b"", None),
        # As aiohttp and botocore send an empty DELETE.
        ("DELETE", b"", b"0"),
        ("OPTIONS", b"", None),
    ],
)
def test_content_length_is_added_for_a_body_and_for_post_and_put(
    method: str, body: bytes, length: bytes | None
) -> None:
    req = request(method, path="/p", headers={"x-amz-date": "d"}, body=body)
    framing = b"" if length is None else b"content-length: " + length + b"\r\n"
    assert written(req) == (
        method.encode() + b" /p HTTP/1.1\r\nhost: " + HOST.encode() + b"\r\n"
        b"x-amz-date: d\r\n" + framing + b"\r\n" + body
    )


def test_a_content_length_given_is_not_doubled() -> None:
    req = request("POST", path="/p", headers={"host": "h", "content-length": "3"}, body=b"abc")
    assert written(req) == b"POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\nabc"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("header value", "v\r\nx-smuggled: 1"),
        ("header value", "v\nx-smuggled: 1"),
        ("header value", "v\rx-smuggled: 1"),
        ("header value", "v\r\n\r\nGET /other HTTP/1.1"),
        ("header name", "x-a\r\nx-smuggled"),
        ("path", "/a\r\nx-smuggled: 1\r\n"),
        ("path", "/a HTTP/1.1\r\nhost: x\r\n\r\nGET /b"),
        ("query", "a=1\r\nx-smuggled: 1"),
        ("host", "h\r\nx-smuggled: 1"),
        ("method", "GET /x HTTP/1.1\r\n\r\nGET"),
    ],
)
def test_a_line_break_is_refused_before_a_byte_is_written(field: str, value: str) -> None:
    req = request(headers={"authorization": "sig"})
    host = HOST
    if field == "header value":
        req.headers["x-amz-meta"] = value
    elif field == "header name":
        req.headers[value] = "1"
    elif field == "path":
        req.path = value
    elif field == "query":
        req.query = value
    elif field == "method":
        req.method = value
    else:
        host = value
    with pair() as (conn, peer):
        peer.answer(OK)
        with pytest.raises(ValueError, match="line break") as caught:
            http11.exchange(conn, req, host)
        assert "smuggled" not in str(caught.value)
        assert sent(conn, peer) == b""


def test_a_header_value_that_cannot_be_encoded_is_refused_before_a_byte_is_written() -> None:
    with pair() as (conn, peer):
        peer.answer(OK)
        with pytest.raises(ValueError, match="not encodable") as caught:
            http11.exchange(conn, request(headers={"x-amz-meta": "a\ud800b"}), HOST)
        # Not the codec's words, which quote the character and its place.
        assert "ud800" not in str(caught.value) and "position" not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
        assert sent(conn, peer) == b""


def test_a_bodiless_204_keeps_its_connection() -> None:
    with pair() as (conn, peer):
        peer.answer(answer_of(b"204 No Content", [b"X-N: 1"]))
        assert http11.exchange(conn, request("DELETE"), HOST)[2:] == (b"", False)


@pytest.mark.parametrize(
    ("coding", "chunked"),
    [("chunked", True), ("gzip, chunked", True), ("gzip,Chunked ", True), ("chunked, gzip", False)],
)
def test_the_last_transfer_coding_decides_the_framing(coding: str, chunked: bool) -> None:
    payload = b"5\r\nhello\r\n0\r\n\r\n"
    with pair() as (conn, peer):
        peer.answer(
            answer_of(b"200 OK", [b"Transfer-Encoding: " + coding.encode()], payload), close=True
        )
        _, _, body, will_close = http11.exchange(conn, request(), HOST)
    # Not chunked last: the body runs to the connection's end, undecoded.
    assert (body, will_close) == ((b"hello", False) if chunked else (payload, True))


@pytest.mark.parametrize("size", [64 * 1024 - 1, 64 * 1024, 3 * 64 * 1024 + 7])
def test_a_large_body_arrives_intact(size: int) -> None:
    body = bytes(i * 7 % 251 for i in range(size))
    req = request("PUT", path="/big", headers={"host": "h"}, body=body)
    head = f"PUT /big HTTP/1.1\r\nhost: h\r\ncontent-length: {size}\r\n\r\n".encode()
    with pair() as (conn, peer):
        # The server reads the whole request before it answers, as a real
        # one would: a body larger than the socket's buffers cannot be
        # written ahead of the answer.
        got: list[bytes] = []

        def serve() -> None:
            got.append(peer.read_exactly(len(head) + size))
            peer.sock.sendall(answer_of(headers=[b"Content-Length: 2"], body=b"ok"))

        server = threading.Thread(target=serve, daemon=True)
        server.start()
        status, _, answer_body, will_close = http11.exchange(conn, req, "h")
        server.join(TIMEOUT)
    assert (status, answer_body, will_close) == (200, b"ok", False)
    assert got == [head + body]


# ---------------------------------------------------------------- the reader


def test_a_body_framed_by_content_length() -> None:
    status, headers, body, will_close = answered(
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
        b'Content-Length: 11\r\nX-Amzn-RequestId: r-1\r\n\r\n{"a": true}'
    )
    assert (status, body, will_close) == (201, b'{"a": true}', False)
    assert headers["content-type"] == "application/json"
    assert headers["X-AMZN-REQUESTID"] == "r-1"
    assert headers["x-amzn-requestid"] == "r-1"


def test_header_values_lose_surrounding_whitespace_and_may_be_empty() -> None:
    _, headers, _, _ = answered(
        answer_of(headers=[b"X-A:   v  w \t", b"X-Empty:", b"X-B:v", b"Content-Length: 0"])
    )
    assert dict(headers) == {"X-A": "v  w", "X-Empty": "", "X-B": "v", "Content-Length": "0"}


def test_repeated_header_names_are_all_kept_in_order() -> None:
    _, headers, _, _ = answered(
        answer_of(
            headers=[b"Set-Cookie: a=1", b"X-Other: o", b"set-cookie: b=2", b"SET-COOKIE: c=3"],
            body=b"",
        ),
        close=True,
    )
    assert headers.getall("Set-Cookie") == ["a=1", "b=2", "c=3"]
    assert headers.getall("x-other") == ["o"]


def test_a_chunked_body_with_extensions_and_trailer_fields() -> None:
    status, headers, body, will_close = answered(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n"
        b"1;name=value\r\n \r\n"
        b'0000A ; a=1;b="q"\r\n0123456789\r\n'
        b"1b\r\n" + b"x" * 27 + b"\r\n"
        b"0;last\r\n"
        b"X-Checksum: abc\r\nX-Other: 1\r\n"
        b"\r\n",
        pause=0.001,
    )
    assert (status, will_close) == (200, False)
    assert body == b"hello 0123456789" + b"x" * 27
    assert headers["transfer-encoding"] == "chunked"
    # Trailer fields are read past, not merged into the headers.
    assert "x-checksum" not in headers


def test_transfer_encoding_wins_over_content_length() -> None:
    _, _, body, _ = answered(
        answer_of(
            headers=[b"Content-Length: 100", b"Transfer-Encoding: Chunked"],
            body=b"3\r\nabc\r\n0\r\n\r\n",
        )
    )
    assert body == b"abc"


def test_an_empty_chunked_body() -> None:
    _, _, body, will_close = answered(
        answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"0\r\n\r\n")
    )
    assert (body, will_close) == (b"", False)


@pytest.mark.parametrize("version", [b"HTTP/1.1", b"HTTP/1.0"])
def test_a_body_framed_by_the_connections_end(version: bytes) -> None:
    status, _, body, will_close = answered(
        version + b" 200 OK\r\nX-A: 1\r\n\r\n",
        b"hello ",
        b"world\r\n\r\nmore",
        close=True,
        pause=0.001,
    )
    assert (status, body, will_close) == (200, b"hello world\r\n\r\nmore", True)


@pytest.mark.parametrize(
    ("version", "connection", "will_close"),
    [
        (b"HTTP/1.1", [], False),
        (b"HTTP/1.1", [b"Connection: keep-alive"], False),
        (b"HTTP/1.1", [b"Connection: close"], True),
        (b"HTTP/1.1", [b"Connection: CLOSE"], True),
        (b"HTTP/1.1", [b"Connection: keep-alive, close"], True),
        (b"HTTP/1.1", [b"Connection: x-trace,close "], True),
        (b"HTTP/1.1", [b"Connection: x-trace", b"Connection: close"], True),
        (b"HTTP/1.1", [b"Connection: closed"], False),
        (b"HTTP/1.0", [], True),
        (b"HTTP/1.0", [b"Connection: keep-alive"], False),
        (b"HTTP/1.0", [b"Connection: Keep-Alive"], False),
        (b"HTTP/1.0", [b"Connection: x-trace, keep-alive"], False),
        (b"HTTP/1.0", [b"Connection: keep-alive, close"], True),
        (b"HTTP/1.0", [b"Connection: x-trace"], True),
    ],
)
def test_whether_the_connection_closes_after_the_answer(
    version: bytes, connection: list[bytes], will_close: bool
) -> None:
    answer = b"\r\n".join([version + b" 200 OK", b"Content-Length: 2", *connection])
    status, _, body, closes = answered(answer + b"\r\n\r\nok")
    assert (status, body, closes) == (200, b"ok", will_close)


def test_interim_answers_precede_the_real_one() -> None:
    status, headers, body, will_close = answered(
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        pause=0.001,
    )
    assert (status, body, will_close) == (200, b"ok", False)
    # The interim answers' headers are not the answer's.
    assert "link" not in headers


@pytest.mark.parametrize(
    ("method", "status"),
    [("GET", b"204 No Content"), ("GET", b"304 Not Modified"), ("HEAD", b"200 OK")],
)
def test_no_body_where_there_can_be_none_even_with_a_content_length(
    method: str, status: bytes
) -> None:
    first = answer_of(status, [b"Content-Length: 5", b"X-N: 1"])
    second = answer_of(b"200 OK", [b"Content-Length: 5", b"X-N: 2"], b"hello")
    with pair() as (conn, peer):
        peer.answer(first + second)
        code, headers, body, will_close = http11.exchange(conn, request(method), HOST)
        # A 204 has no business framing a body: its connection is not kept,
        # lest a body sent anyway be read as the next answer.
        assert (code, body, will_close) == (int(status[:3]), b"", status.startswith(b"204"))
        assert headers["content-length"] == "5"
        # Nothing of the next answer was taken for a body.
        code, headers, body, _ = http11.exchange(conn, request(), HOST)
        assert (code, headers["x-n"], body) == (200, "2", b"hello")


@pytest.mark.parametrize(
    "first",
    [
        answer_of(headers=[b"Content-Length: 5"], body=b"first"),
        answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"5\r\nfirst\r\n0\r\nT: 1\r\n\r\n"),
        b"HTTP/1.1 100 Continue\r\n\r\n" + answer_of(headers=[b"Content-Length: 5"], body=b"first"),
    ],
)
def test_two_answers_back_to_back_on_one_connection(first: bytes) -> None:
    second = answer_of(b"404 Not Found", [b"Content-Length: 6", b"Connection: close"], b"second")
    with pair() as (conn, peer):
        # Both answers arrive together: the reader must keep the second's
        # bytes, buffered while reading the first, for the next exchange.
        peer.answer(first + second)
        one = http11.exchange(conn, request(path="/one"), HOST)
        two = http11.exchange(conn, request("POST", path="/two", body=b"x"), HOST)
        requests = sent(conn, peer)
    assert (one[0], one[2], one[3]) == (200, b"first", False)
    assert (two[0], two[2], two[3]) == (404, b"second", True)
    assert (
        requests
        == (
            f"GET /one HTTP/1.1\r\nhost: {HOST}\r\n\r\n"
            f"POST /two HTTP/1.1\r\nhost: {HOST}\r\ncontent-length: 1\r\n\r\nx"
        ).encode()
    )


def test_an_answer_read_a_byte_at_a_time() -> None:
    answer = answer_of(
        headers=[b"Transfer-Encoding: chunked", b"X-A: 1"], body=b"3\r\nabc\r\n0\r\n\r\n"
    )
    status, headers, body, _ = answered(*(answer[i : i + 1] for i in range(len(answer))))
    assert (status, headers["x-a"], body) == (200, "1", b"abc")


def test_the_longest_lines_and_the_most_headers_allowed() -> None:
    status_line = b"HTTP/1.1 200 " + b"r" * (MAX_LINE - 15) + b"\r\n"
    header_line = b"X-Long: " + b"v" * (MAX_LINE - 10) + b"\r\n"
    assert len(status_line) == len(header_line) == MAX_LINE
    many = [b"X-%d: %d" % (i, i) for i in range(MAX_HEADERS - 1)]
    answer = status_line + header_line + b"\r\n".join(many) + b"\r\n\r\n"
    status, headers, body, will_close = answered(answer, close=True)
    assert (status, body, will_close) == (200, b"", True)
    assert len(headers) == MAX_HEADERS
    assert len(headers["x-long"]) == MAX_LINE - 10


def test_lines_may_end_with_a_bare_line_feed() -> None:
    # As http.client reads them.
    status, headers, body, _ = answered(b"HTTP/1.1 200 OK\nContent-Length: 2\nX-A: 1\n\nok")
    assert (status, headers["x-a"], body) == (200, "1", b"ok")


# ---------------------------------------------------------------- hostile answers


def test_an_empty_answer_is_short() -> None:
    refused(b"", ShortResponse)
    assert issubclass(ShortResponse, ConnectionError)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(answer_of(headers=[b"Content-Length: 50"], body=SECRET.encode()), id="body"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX-A: " + SECRET.encode() + b"\r\n", id="headers"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX-A: " + SECRET.encode(), id="header-line"),
        pytest.param(b"HTTP/1.1 200 OK\r\nContent-Le", id="header-name"),
        pytest.param(b"HTTP/1.1 200 " + SECRET.encode(), id="status-line"),
        pytest.param(b"HTTP/1.1 20", id="status-code"),
        pytest.param(b"HTTP/1.1 100 Continue\r\n\r\n", id="after-interim"),
        pytest.param(
            answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"40\r\n" + SECRET.encode()),
            id="chunk",
        ),
        pytest.param(
            answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"5\r\nhello\r"),
            id="chunk-end",
        ),
        pytest.param(
            answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"5\r\nhello\r\n"),
            id="before-chunk-size",
        ),
        pytest.param(
            answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"5\r\nhello\r\n1f"),
            id="chunk-size",
        ),
        pytest.param(
            answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"0\r\n"), id="trailer"
        ),
        pytest.param(
            answer_of(
                headers=[b"Transfer-Encoding: chunked"], body=b"0\r\nX-T: " + SECRET.encode()
            ),
            id="trailer-line",
        ),
    ],
)
def test_an_answer_cut_short_by_the_connections_end(answer: bytes) -> None:
    refused(answer, ShortResponse)


def test_a_short_body_says_how_much_arrived() -> None:
    assert "2 of 9 bytes" in refused(
        answer_of(headers=[b"Content-Length: 9"], body=b"ab"), ShortResponse
    )


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(SECRET.encode() + b"\r\n\r\n", id="not-http"),
        pytest.param(b"SSH-2.0-" + SECRET.encode() + b"\r\n", id="other-protocol"),
        pytest.param(b"HTTP/2 200 " + SECRET.encode() + b"\r\n\r\n", id="http-2"),
        pytest.param(b"HTTP/1.1\r\n\r\n", id="no-status"),
        pytest.param(b"HTTP/1.1 2000 OK\r\n\r\n", id="4-digit-status"),
        pytest.param(b"HTTP/1.1 20 OK\r\n\r\n", id="2-digit-status"),
        pytest.param(b"HTTP/1.1 OK! " + SECRET.encode() + b"\r\n\r\n", id="status-letters"),
        pytest.param(b"HTTP/1.1 2x0 OK\r\n\r\n", id="status-letter"),
        pytest.param(b"HTTP/1.1 +20 OK\r\n\r\n", id="status-plus"),
        pytest.param(b"HTTP/1.1 -20 OK\r\n\r\n", id="status-minus"),
        pytest.param(b"HTTP/1.1 1_0 OK\r\n\r\n", id="status-underscore"),
        pytest.param(b"HTTP/1.1 099 OK\r\n\r\n", id="status-below-100"),
        pytest.param(b"HTTP/1.1 000 OK\r\n\r\n", id="status-zero"),
        pytest.param(b"HTTP/1.1 200 " + b"x" * MAX_LINE + b"\r\n\r\n", id="long-status-line"),
        pytest.param(
            answer_of(headers=[b"X-A: " + b"v" * MAX_LINE + SECRET.encode()]),
            id="long-header-line",
        ),
        pytest.param(
            answer_of(headers=[b"X-%d: v" % i for i in range(MAX_HEADERS + 1)]), id="headers"
        ),
        pytest.param(answer_of(headers=[b"X-No-Colon " + SECRET.encode()]), id="no-colon"),
        pytest.param(answer_of(headers=[b": " + SECRET.encode()]), id="no-name"),
        pytest.param(answer_of(headers=[b"X-A: 1", b" folded " + SECRET.encode()]), id="obs-fold"),
        pytest.param(answer_of(headers=[b"\tX-A: " + SECRET.encode()]), id="obs-fold-tab"),
        pytest.param(answer_of(headers=[b"X-A : 1"]), id="space-before-colon"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\r\n" + SECRET.encode(), id="stray-carriage-return"
        ),
    ],
)
def test_an_answer_that_breaks_the_grammar_or_the_limits(answer: bytes) -> None:
    refused(answer)


@pytest.mark.parametrize(
    "length",
    [
        b"-1",
        b"+5",
        b"1e3",
        b"0x10",
        b"5 5",
        b"5, 5",
        b"",
        b"five",
        b"\xb2",  # "²": a digit to str.isdigit, not to int()
        b"\xd9\xa5",  # "٥" in UTF-8; latin-1 letters to the reader
        b"9" * 5000,  # more digits than int() converts
        b"99999999999999999999999",
    ],
)
def test_a_content_length_that_is_not_a_usable_number(length: bytes) -> None:
    refused(answer_of(headers=[b"Content-Length: " + length], body=SECRET.encode()))


def test_conflicting_content_lengths_are_refused() -> None:
    # Which one frames the body is unknowable; taking either would leave
    # the rest to be read as the next answer on a kept-alive connection.
    refused(
        answer_of(headers=[b"Content-Length: 3", b"Content-Length: 13"], body=b"abc" + b"x" * 10)
    )


def test_repeated_equal_content_lengths_are_one() -> None:
    _, _, body, _ = answered(
        answer_of(headers=[b"Content-Length: 3", b"content-length: 3"], body=b"abc")
    )
    assert body == b"abc"


@pytest.mark.parametrize(
    "size",
    [b"0x10", b"1_0", b"zz", b"", b" ", b";ext", b"-1", b"+1", b"1 0", b"\xb2", SECRET.encode()],
)
def test_a_chunk_size_that_is_not_hex(size: bytes) -> None:
    refused(
        answer_of(
            headers=[b"Transfer-Encoding: chunked"],
            body=size + b"\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
        )
    )


@pytest.mark.parametrize(
    "body",
    [
        b"3\r\nabcd\r\n0\r\n\r\n",
        b"3\r\nabc" + SECRET.encode() + b"\r\n0\r\n\r\n",
        b"3\r\nabc\n0\r\n\r\n",
    ],
)
def test_a_chunk_longer_than_its_size(body: bytes) -> None:
    refused(answer_of(headers=[b"Transfer-Encoding: chunked"], body=body))


def test_a_chunk_size_line_over_the_limit() -> None:
    refused(answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"1;" + b"e" * MAX_LINE))


def test_a_trailer_over_the_limit() -> None:
    trailer = b"".join(b"T-%d: t\r\n" % i for i in range(MAX_HEADERS + 1))
    refused(answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"0\r\n" + trailer + b"\r\n"))


@pytest.mark.parametrize(
    "answer",
    [
        answer_of(headers=[b"Content-Length: 99999999999999"], body=b"ab"),
        answer_of(headers=[b"Content-Length: 99999999999999999"], body=b"ab"),
        answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"ffffffffffff\r\nab"),
        answer_of(headers=[b"Transfer-Encoding: chunked"], body=b"f" * 40 + b"\r\nab"),
    ],
)
def test_a_huge_size_claimed_is_read_as_what_arrives(answer: bytes) -> None:
    # Not allocated up front (MemoryError, OverflowError): the body is read
    # in pieces until the connection ends.
    refused(answer, ShortResponse)


def test_a_large_body_in_one_chunk_and_by_content_length() -> None:
    body = bytes(i % 253 for i in range(3 * 1024 * 1024 + 5))
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    _, _, got, _ = answered(answer_of(headers=[b"Transfer-Encoding: chunked"], body=chunked))
    assert got == body
    _, _, got, _ = answered(answer_of(headers=[b"Content-Length: %d" % len(body)], body=body))
    assert got == body


# ---------------------------------------------------------------- any answer at all

# Mostly right, so that answers get past their first line often enough.
_CRLF = st.sampled_from([b"\r\n"] * 6 + [b"\n", b"\r", b""])
_STATUS_LINES = st.sampled_from(
    [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 200 OK",
        b"HTTP/1.1 201",
        b"HTTP/1.0 200 OK",
        b"HTTP/1.1 100 Continue",
        b"HTTP/1.1 204 No Content",
        b"HTTP/1.1 304",
        b"HTTP/1.1 429 Too Many",
        b"HTTP/1.1 999 ?",
        b"HTTP/1.1 +20",
        b"HTTP/1.1 1_0 x",
        b"HTTP/1.1 099",
        b"HTTP/2 200",
    ]
)
_NOISE = st.binary(max_size=12)
_HEADER_VALUES = st.sampled_from(
    [
        b"0",
        b"3",
        b"10",
        b"-1",
        b"+5",
        b"1e3",
        b"",
        b"\xb2",
        b"9" * 30,
        b"chunked",
        b"gzip, chunked",
        b"close",
        b"keep-alive",
        b"keep-alive, close",
        SECRET.encode(),
    ]
)
_TYPICAL_HEADERS = st.sampled_from(
    [
        b"Content-Type: application/json",
        b"X-Amzn-RequestId: 7a3b",
        b"Date: Mon, 01 Jan 2024 00:00:00 GMT",
        b"Connection: keep-alive",
    ]
)
_TRICKY_HEADERS = st.tuples(
    st.sampled_from(
        [
            b"Content-Length",
            b"content-length",
            b"Transfer-Encoding",
            b"Connection",
            b" X-Folded",
            b"",
        ]
    )
    | _NOISE,
    st.sampled_from([b": ", b":", b" "]),
    _HEADER_VALUES | _NOISE,
).map(b"".join)
_HEADER_LINES = st.one_of(_TYPICAL_HEADERS, _TYPICAL_HEADERS, _TYPICAL_HEADERS, _TRICKY_HEADERS)


@st.composite
def _chunked_bodies(draw: st.DrawFn) -> bytes:
    parts = []
    for data in draw(st.lists(st.binary(max_size=20), max_size=4)):
        size = len(data) + draw(st.sampled_from([0, 0, 0, 0, 1, -1]))
        extension = draw(st.sampled_from([b"", b";a=1", b" ; b"]))
        parts.append(b"%x" % max(size, 0) + extension + b"\r\n" + data + b"\r\n")
    parts.append(b"0\r\n")
    parts.extend(draw(st.lists(_HEADER_LINES.map(lambda line: line + b"\r\n"), max_size=2)))
    parts.append(b"\r\n")
    return b"".join(parts)


@st.composite
def _answers(draw: st.DrawFn) -> bytes:
    """Almost right answers, one or two in a row: valid pieces joined, some
    wrong, then maybe cut or with noise dropped in."""
    answer = b""
    for _ in range(draw(st.integers(1, 2))):
        framing = draw(st.sampled_from(["length", "chunked", "none"]))
        body = draw(_chunked_bodies() if framing == "chunked" else st.binary(max_size=40))
        lines = draw(st.lists(_HEADER_LINES, max_size=4))
        if framing == "length":
            lines.insert(draw(st.integers(0, len(lines))), b"Content-Length: %d" % len(body))
        elif framing == "chunked":
            lines.insert(draw(st.integers(0, len(lines))), b"Transfer-Encoding: chunked")
        crlf = draw(_CRLF)
        head = [draw(st.one_of(_STATUS_LINES, _STATUS_LINES, _STATUS_LINES, _NOISE)), *lines]
        answer += crlf.join(head) + crlf + draw(_CRLF) + body
    if draw(st.integers(0, 3)) == 0:
        answer = answer[: draw(st.integers(0, len(answer)))]
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(answer)))
        answer = answer[:at] + draw(_NOISE) + answer[at:]
    return answer + SECRET.encode() * draw(st.integers(0, 1))


def _outcome(
    answer: list[bytes], *, close: bool, method: str, timeout: float
) -> Result | BaseException:
    with pair(timeout) as (conn, peer):
        if close or len(answer) > 1:
            peer.answer(*answer, close=close, pause=0.0005)
        else:
            # Written before the exchange begins: the reader has every byte
            # it will get, so a timeout means it asked for more.
            peer.sock.sendall(answer[0])
        try:
            return http11.exchange(conn, request(method), HOST)
        except Exception as e:
            return e


def _comparable(outcome: Result | BaseException) -> object:
    if isinstance(outcome, BaseException):
        return type(outcome), str(outcome)
    status, headers, body, will_close = outcome
    return status, list(headers.items()), body, will_close


@fuzz_settings(200)
@given(
    answer=st.one_of(_answers(), _answers(), _answers(), st.binary(max_size=200)),
    cuts=st.lists(st.integers(0, 400), max_size=4),
    method=st.sampled_from(["GET", "GET", "HEAD"]),
)
def test_any_answer_is_read_or_refused_with_the_readers_own_errors(
    answer: bytes, cuts: list[int], method: str
) -> None:
    # Ending with the connection's end: nothing may wait.
    whole = _outcome([answer], close=True, method=method, timeout=TIMEOUT)
    event(type(whole).__name__ if isinstance(whole, BaseException) else "answered")
    if isinstance(whole, BaseException):
        assert type(whole) in (MalformedResponse, ShortResponse), repr(whole)
        assert SECRET not in str(whole)
        assert SECRET not in repr(whole)
    else:
        status, headers, body, _ = whole
        assert 200 <= status <= 999
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        if method == "HEAD" or status in (204, 304):
            assert body == b""

    # The same bytes in pieces: the same outcome.
    points = sorted({min(c, len(answer)) for c in cuts} | {0, len(answer)})
    pieces = [answer[a:b] for a, b in itertools.pairwise(points)]
    if len(pieces) > 1:
        split = _outcome(pieces, close=True, method=method, timeout=TIMEOUT)
        assert _comparable(split) == _comparable(whole)

    # The same bytes with the connection left open: the same outcome, or a
    # wait for bytes the answer lacks (which the closed case reported as
    # short, or took the connection's end as the body's).
    open_ = _outcome([answer], close=False, method=method, timeout=0.02)
    if isinstance(open_, TimeoutError):
        assert isinstance(whole, ShortResponse) or (
            not isinstance(whole, BaseException) and whole[3]
        ), _comparable(whole)
    else:
        assert not isinstance(whole, ShortResponse), _comparable(open_)
        assert _comparable(open_) == _comparable(whole)


@pytest.mark.parametrize("interim", [MAX_INTERIM, MAX_INTERIM + 1])
def test_interim_answers_are_bounded(interim: int) -> None:
    continues = b"HTTP/1.1 100 Continue\r\n\r\n" * interim
    with pair() as (conn, peer):
        peer.answer(continues + answer_of(headers=[b"Content-Length: 2"], body=b"ok"))
        if interim <= MAX_INTERIM:
            assert http11.exchange(conn, request(), HOST)[2] == b"ok"
        else:
            with pytest.raises(MalformedResponse, match="interim"):
                http11.exchange(conn, request(), HOST)
