"""Option groups that several commands share: where the services come from (check, grade...)."""

from __future__ import annotations

import argparse
import os

from harness.errors import UsageError
from harness.services.base import URL_ENV, Mode


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--services", choices=[m.value for m in Mode],
                        default=os.environ.get("HARNESS_SERVICES", "auto"),
                        help="where PostgreSQL/Redis/MongoDB come from (default: auto = Docker if an engine "
                             "answers and has the images, else local binaries)")
    parser.add_argument("--postgres-url", help="superuser URL of a running PostgreSQL (--services external)")
    parser.add_argument("--redis-url", help="URL of a running Redis (--services external)")
    parser.add_argument("--mongo-url", help="URL of a running MongoDB (--services external)")
    parser.add_argument("--postgres-image", help="Docker image for PostgreSQL (default postgres:16)")
    parser.add_argument("--redis-image", help="Docker image for Redis (default redis:7)")
    parser.add_argument("--mongo-image", help="Docker image for MongoDB (default mongo:7)")


def service_options(args: argparse.Namespace) -> tuple[Mode, dict[str, str], dict[str, str | None]]:
    mode = Mode(args.services)
    flag_urls = {"postgres": args.postgres_url, "redis": args.redis_url, "mongodb": args.mongo_url}
    if any(flag_urls.values()):
        if mode is Mode.AUTO:
            mode = Mode.EXTERNAL  # a URL says where the service is
        elif mode is not Mode.EXTERNAL:
            raise UsageError(f"service URLs go with --services external, not --services {mode.value}")
    urls = {s: url for s in flag_urls if (url := flag_urls[s] or os.environ.get(URL_ENV[s]))}
    flags = {"postgres": args.postgres_image, "redis": args.redis_image, "mongodb": args.mongo_image}
    return mode, urls, flags
