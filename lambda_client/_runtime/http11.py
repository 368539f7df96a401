"""One HTTP/1.1 exchange on a blocking connection, for `InlineTransport`.

``http.client`` parses every response's headers with the ``email`` package:
about a third of a small call's CPU. The exchange here writes the request
exactly as given (no header of its own but Host and Content-Length) and
reads the status line, the headers and a body framed by Content-Length,
chunked encoding or the end of the connection, with the limits
``http.client`` applies to lines and header counts. A server's answer is
untrusted input: anything malformed is `MalformedResponse`, a connection
that ends early is `ShortResponse`; the transport turns both into the
library's errors.
"""

from __future__ import annotations

import socket
from typing import BinaryIO

from multidict import CIMultiDict

from .http import HttpRequest

__all__ = ["Connection", "MalformedResponse", "ShortResponse", "exchange"]

#: The longest status, header or chunk-size line accepted (as http.client).
MAX_LINE = 65536
#: The most header lines one answer may have (as http.client).
MAX_HEADERS = 100
#: The most interim (1xx) answers accepted before the final one.
MAX_INTERIM = 10

# Requests of other methods carry a Content-Length, 0 when empty, as
# botocore and aiohttp send them (a DELETE included).
_BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_HEX_DIGITS = b"0123456789abcdefABCDEF"
# Sent in one write up to this size; a larger body follows its head.
_JOIN_BELOW = 64 * 1024
# A body or chunk is read in pieces of at most this size: memory follows the
# bytes that arrive, not the size an answer claims.
_READ_PIECE = 1024 * 1024
# More digits than any body has (and fewer than int() refuses to convert).
_MAX_LENGTH_DIGITS = 18


class MalformedResponse(Exception):
    """The answer broke HTTP/1.1's grammar or limits (its text names which
    rule, never the bytes received)."""


class ShortResponse(ConnectionError):
    """The connection ended before the answer did."""


class Connection:
    """A socket (plain or TLS) and the buffered reader that must stay with
    it for as long as it is reused: it may hold the next answer's bytes."""

    __slots__ = ("idle_since", "reader", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader: BinaryIO = sock.makefile("rb")
        self.idle_since = 0.0

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self.sock.close()


def exchange(
    conn: Connection, request: HttpRequest, host: str
) -> tuple[int, CIMultiDict[str], bytes, bool]:
    """Send ``request`` on ``conn`` and read the whole answer: its status,
    headers, body and whether the connection must be closed after it."""
    _write(conn.sock, request, host)
    return _read(conn.reader, request.method)


def _write(sock: socket.socket, request: HttpRequest, host: str) -> None:
    target = f"{request.path}?{request.query}" if request.query else request.path
    headers = request.headers
    lines = [f"{request.method} {target} HTTP/1.1\r\n"]
    if "host" not in headers:
        lines.append(f"host: {host}\r\n")
    lines.extend(f"{name}: {value}\r\n" for name, value in headers.items())
    body = request.body
    if "content-length" not in headers and (body or request.method not in _BODILESS_METHODS):
        lines.append(f"content-length: {len(body)}\r\n")
    lines.append("\r\n")
    head = "".join(lines)
    # One line break per line: a value or a path carrying CR or LF would
    # smuggle a header (or a request) past the signature.
    if head.count("\n") != len(lines) or head.count("\r") != len(lines):
        raise ValueError("a header value or the path contains a line break")
    try:
        # UTF-8, as aiohttp writes headers: a caller's user_agent_extra beyond
        # Latin-1 goes out rather than failing here alone.
        data = head.encode()
    except UnicodeEncodeError:
        # A lone surrogate. Not the codec's own words: they quote the
        # character and its place.
        raise ValueError("a header value or the path is not encodable text") from None
    if len(body) < _JOIN_BELOW:
        sock.sendall(data + body)
    else:
        sock.sendall(data)
        sock.sendall(body)


def _line(reader: BinaryIO, what: str) -> bytes:
    """The next line, or b"" at the connection's end."""
    line = reader.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise MalformedResponse(f"{what} is longer than {MAX_LINE} bytes")
    if line and line[-1] != 0x0A:  # b"\n"
        # Cut by the connection's end: not a line to parse.
        raise ShortResponse(f"the connection ended within {what}")
    return line


def _read_exactly(reader: BinaryIO, size: int) -> bytes:
    """``size`` bytes, or fewer if the connection ends first."""
    if size <= _READ_PIECE:
        return reader.read(size)
    # BufferedReader.read(n) allocates n bytes before reading any.
    parts = []
    while size > 0:
        part = reader.read(min(size, _READ_PIECE))
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _read(reader: BinaryIO, method: str) -> tuple[int, CIMultiDict[str], bytes, bool]:
    for _ in range(MAX_INTERIM + 1):
        line = _line(reader, "the status line")
        if not line:
            raise ShortResponse("the server closed the connection without answering")
        version, status = _status(line)
        headers = _headers(reader)
        # 100 Continue and other interim answers precede the real one.
        if not 100 <= status < 200:
            break
    else:
        # A server that answers with nothing but interim answers would
        # otherwise hold the call for as long as it keeps talking.
        raise MalformedResponse(f"more than {MAX_INTERIM} interim (1xx) answers")
    will_close = _will_close(version, headers)
    coding = headers.get("transfer-encoding")
    if method == "HEAD" or status in (204, 304):
        # A server that sends a body here anyway would leave it to be read
        # as the next answer: such a connection is not kept.
        framed = coding is not None or headers.get("content-length", "0") != "0"
        return status, headers, b"", will_close or (status != 304 and method != "HEAD" and framed)
    if coding is not None:
        # The last coding decides (RFC 9112, 6.3): chunked, or the body runs
        # to the connection's end.
        if coding.rsplit(",", 1)[-1].strip().lower() == "chunked":
            return status, headers, _chunked(reader), will_close
        return status, headers, reader.read(), True
    lengths = headers.getall("content-length", None)
    if lengths is None:
        # Framed by the end of the connection, which cannot then be reused.
        return status, headers, reader.read(), True
    length = lengths[0]
    if len(lengths) > 1 and any(other != length for other in lengths):
        # Which one frames the body is unknowable (RFC 9112, 6.3).
        raise MalformedResponse("Content-Length given more than once with different values")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (length.isascii() and length.isdigit()):
        raise MalformedResponse("Content-Length is not a number")
    if len(length) > _MAX_LENGTH_DIGITS:
        raise MalformedResponse(f"Content-Length has more than {_MAX_LENGTH_DIGITS} digits")
    size = int(length)
    body = reader.read(size) if size <= _READ_PIECE else _read_exactly(reader, size)
    if len(body) < size:
        raise ShortResponse(f"the body ended after {len(body)} of {size} bytes")
    return status, headers, body, will_close


def _status(line: bytes) -> tuple[str, int]:
    parts = line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[1]) != 3:
        raise MalformedResponse("not an HTTP/1.x status line")
    # bytes.isdigit() is ASCII digits only; int() alone takes "+20" and "1_0".
    if not parts[1].isdigit():
        raise MalformedResponse("the status is not a number")
    status = int(parts[1])
    if status < 100:
        raise MalformedResponse("a status below 100")
    return parts[0].decode("ascii", "replace"), status


def _will_close(version: str, headers: CIMultiDict[str]) -> bool:
    options = headers.getall("connection", None)
    if options is None:
        return version == "HTTP/1.0"
    value = ",".join(options).lower()
    if value == "keep-alive":
        return False
    # A comma-separated list of options, in one or more fields.
    tokens = {token.strip() for token in value.split(",")}
    return "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)


def _headers(reader: BinaryIO) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict()
    for _ in range(MAX_HEADERS + 1):
        line = _line(reader, "a header line")
        if line in (b"\r\n", b"\n"):
            return headers
        if not line:
            raise ShortResponse("the connection ended within the headers")
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise MalformedResponse("a header line without a name and a colon")
        headers.add(name.decode("latin-1"), value.strip().decode("latin-1"))
    raise MalformedResponse(f"more than {MAX_HEADERS} header lines")


def _chunked(reader: BinaryIO) -> bytes:
    parts = []
    while True:
        size_line = _line(reader, "a chunk-size line")
        if not size_line:
            raise ShortResponse("the connection ended within a chunked body")
        digits = size_line.split(b";", 1)[0].strip()
        if not digits or digits.strip(_HEX_DIGITS):
            raise MalformedResponse("a chunk size that is not a hex number")
        size = int(digits, 16)
        if size == 0:
            break
        chunk = _read_exactly(reader, size)
        end = reader.read(2)
        if len(chunk) < size or len(end) < 2:
            raise ShortResponse("the connection ended within a chunk")
        if end != b"\r\n":
            raise MalformedResponse("a chunk longer than its size")
        parts.append(chunk)
    # Trailer fields, if any, end with an empty line.
    for _ in range(MAX_HEADERS + 1):
        line = _line(reader, "a trailer line")
        if not line:
            raise ShortResponse("the connection ended within the trailer")
        if line in (b"\r\n", b"\n"):
            return b"".join(parts)
    raise MalformedResponse(f"more than {MAX_HEADERS} trailer lines")
