"""A large access log whose totals the harness knows, written at the speed of the disk.

A few distinct chunks of Combined Log Format lines (about 1 MiB each, a sprinkle of truncated
lines and empty ones among them) are built once per run; the file is a random sequence of them, so its totals
are sums of the chunks' and writing it is I/O only. The sequence comes from the run's seed:
the same seed writes the same file, another seed other totals. The last line has no newline:
an aggregator that drops a last partial line miscounts it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNKS = 8
CHUNK_BYTES = 1 << 20

METHODS = (("GET", 70), ("POST", 12), ("PUT", 4), ("PATCH", 3), ("DELETE", 3), ("HEAD", 5), ("OPTIONS", 3))
STATUSES = ((200, 62), (201, 5), (204, 4), (301, 3), (304, 8), (400, 3), (401, 2), (403, 2), (404, 7),
            (409, 1), (429, 1), (500, 1), (502, 1), (503, 1))
PATHS = ("/", "/health", "/v1/books", "/v1/books/{isbn}", "/v1/books?page={n}&size=20", "/v1/authors/{n}",
         "/v1/members/{n}/loans", "/v1/search?q=caf%C3%A9+{n}", "/static/app.{n}.js", "/favicon.ico")
AGENTS = ('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) '
          'Version/17.5 Safari/605.1.15',
          'curl/8.5.0', 'python-httpx/0.27.0', 'Go-http-client/1.1', 'k6/0.52.0 (https://k6.io/)',
          'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Bücherwurm/2.0 (Ελληνικά)')
ISBNS = ("9780306406157", "9781861972712", "9780140449136", "9780262033848", "9781492052203")


@dataclass
class Totals:
    """What the README asks the aggregator to print, for one chunk or the whole file."""

    requests: int = 0
    bytes: int = 0
    malformed: int = 0
    status: Counter[str] = field(default_factory=Counter)

    def add(self, other: Totals, times: int = 1) -> None:
        self.requests += other.requests * times
        self.bytes += other.bytes * times
        self.malformed += other.malformed * times
        for code, count in other.status.items():
            self.status[code] += count * times

    def as_json(self) -> dict[str, object]:
        return {"requests": self.requests, "bytes": self.bytes, "malformed": self.malformed,
                "status": dict(sorted(self.status.items()))}


@dataclass(frozen=True)
class Chunk:
    data: bytes
    totals: Totals


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _line(rng: random.Random, when: str) -> tuple[str, int | None, int]:
    """(a request line, its status, the bytes it counts)."""
    method = str(_pick(rng, METHODS))
    status = int(str(_pick(rng, STATUSES)))
    path = rng.choice(PATHS).format(isbn=rng.choice(ISBNS), n=rng.randint(1, 400))
    size = 0 if status in (204, 304) or method == "HEAD" else rng.randint(120, 48_000)
    shown = "-" if size == 0 and rng.random() < 0.7 else str(size)
    ip = f"{rng.choice((10, 172, 192, 203))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    user = rng.choice(("-", "-", "-", "ada", "grace"))
    referer = rng.choice(('"-"', '"-"', '"https://shelf.example/v1/books"'))
    return (f'{ip} - {user} [{when}] "{method} {path} HTTP/1.1" {status} {shown} {referer} '
            f'"{rng.choice(AGENTS)}"', status, size)


def build_chunk(rng: random.Random, index: int) -> Chunk:
    totals = Totals()
    lines: list[str] = []
    size = 0
    second = 0
    while size < CHUNK_BYTES:
        second += rng.randint(0, 2)
        clock = f"{second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        when = f"{5 + index % 20:02d}/Dec/2026:{clock} +0000"
        text, status, counted = _line(rng, when)
        if rng.random() < 0.001:  # an empty line, ignored: never a chunk's last, so the file's
            lines.append("")      # last line stays one without a newline
            size += 1
        if rng.random() < 0.002:  # a write cut short (a crash, a full disk): not a request
            text = text[: rng.randint(8, text.index('" ') + 1)]
            totals.malformed += 1
        else:
            totals.requests += 1
            totals.bytes += counted
            totals.status[str(status)] += 1
        lines.append(text)
        size += len(text.encode()) + 1
    return Chunk(("\n".join(lines) + "\n").encode(), totals)


@dataclass(frozen=True)
class Plan:
    chunks: list[Chunk]
    order: list[int]

    @property
    def size_bytes(self) -> int:
        return sum(len(self.chunks[i].data) for i in self.order) - 1  # the last newline is left out

    def totals(self) -> Totals:
        found = Totals()
        for index, times in Counter(self.order).items():
            found.add(self.chunks[index].totals, times)
        return found

    def write(self, out: BinaryIO) -> None:
        for position, index in enumerate(self.order):
            data = self.chunks[index].data
            out.write(data if position < len(self.order) - 1 else data[:-1])


def plan(seed: int, size_mb: int) -> Plan:
    rng = random.Random(seed)
    chunks = [build_chunk(rng, i) for i in range(CHUNKS)]
    average = sum(len(c.data) for c in chunks) / len(chunks)
    count = max(1, round(size_mb * (1 << 20) / average))
    return Plan(chunks, [rng.randrange(len(chunks)) for _ in range(count)])
