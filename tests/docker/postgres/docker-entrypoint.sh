#!/usr/bin/env bash
# Entrypoint of harness-test/postgres:15 (Debian bookworm postgresql-15, built offline).
#
# Follows the conventions of the official postgres image's docker-entrypoint.sh,
# so Testcontainers' PostgresContainer and `docker run` lines written for
# postgres:15 work unchanged:
#   * POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default
#     = user), POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD; *_FILE variants.
#   * first start: initdb into PGDATA (default /var/lib/postgresql/data),
#     create POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz.
#   * `postgres ...` or `-c ...` arguments go to the server; anything else is
#     exec'd as is (e.g. `docker run IMAGE psql --version`, `bash`).
#   * runs the server as the postgres user (dropped with setpriv).
# Differences: host connections (TCP, including 127.0.0.1 inside the container)
# need a password (scram-sha-256) unless POSTGRES_HOST_AUTH_METHOD says
# otherwise; only the unix socket is `trust`. No VOLUME is declared.
set -Eeuo pipefail

PGBIN=/usr/lib/postgresql/15/bin
export PATH="$PGBIN:$PATH"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*" >&2; }

# file_env VAR [DEFAULT]: VAR or VAR_FILE (not both), like the official image.
file_env() {
    local var="$1" fileVar="${1}_FILE" def="${2:-}"
    if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
        log "error: both $var and $fileVar are set (but are exclusive)"
        exit 1
    fi
    local val="$def"
    if [ -n "${!var:-}" ]; then
        val="${!var}"
    elif [ -n "${!fileVar:-}" ]; then
        val="$(<"${!fileVar}")"
    fi
    export "$var"="$val"
    unset "$fileVar"
}

# Was a help/version flag passed (then do not initialise anything)?
want_help() {
    local arg
    for arg; do
        case "$arg" in
            -'?'|--help|--describe-config|-V|--version) return 0 ;;
        esac
    done
    return 1
}

# `docker run IMAGE -c foo=bar` == `docker run IMAGE postgres -c foo=bar`
if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

if [ "$1" != 'postgres' ] || want_help "$@"; then
    exec "$@"
fi

if [ "$(id -u)" = '0' ]; then
    # As root: prepare directories, then re-run this script as postgres.
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 00700 "$PGDATA" || :
    chmod 03775 /var/run/postgresql || :
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    chown postgres:postgres /var/run/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

file_env POSTGRES_PASSWORD
file_env POSTGRES_USER postgres
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS

if [ -s "$PGDATA/PG_VERSION" ]; then
    log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
else
    if [ -z "$POSTGRES_PASSWORD" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != 'trust' ]; then
        cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOM
        exit 1
    fi

    log "initdb in $PGDATA (user $POSTGRES_USER)"
    pwargs=()
    if [ -n "$POSTGRES_PASSWORD" ]; then
        pwfile="$(mktemp)"
        printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
        pwargs=(--pwfile="$pwfile")
    fi
    # POSTGRES_INITDB_ARGS come last, so e.g. --auth-host=md5 there wins.
    # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is word-split on purpose (official behaviour)
    initdb --username="$POSTGRES_USER" "${pwargs[@]}" \
        --auth-local=trust --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" \
        $POSTGRES_INITDB_ARGS >&2
    [ -n "${pwfile:-}" ] && rm -f "$pwfile"
    # initdb only writes 127.0.0.1/::1 host lines; let every address in. As in
    # the official image the method defaults to the effective password_encryption
    # (scram-sha-256, or md5 if initdb/`-c` arguments chose md5).
    if [ -z "${POSTGRES_HOST_AUTH_METHOD:-}" ]; then
        POSTGRES_HOST_AUTH_METHOD="$(postgres -C password_encryption "${@:2}")"
    fi
    printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
    log "host connections: $POSTGRES_HOST_AUTH_METHOD; local socket: trust"

    # Temporary server on the unix socket only, to create the database and
    # run init scripts.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >&2
    psql_cmd=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password)
    if [ "$POSTGRES_DB" != 'postgres' ]; then
        printf 'CREATE DATABASE :"db" ;\n' | "${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" >&2
        log "created database $POSTGRES_DB"
    fi
    if [ -d /docker-entrypoint-initdb.d ]; then
        for f in /docker-entrypoint-initdb.d/*; do
            case "$f" in
                *.sh)
                    if [ -x "$f" ]; then
                        log "running $f"; "$f"
                    else
                        log "sourcing $f"
                        # shellcheck disable=SC1090
                        . "$f"
                    fi ;;
                *.sql)    log "running $f"; "${psql_cmd[@]}" --dbname "$POSTGRES_DB" -f "$f" >&2 ;;
                *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB" >&2 ;;
                *)        [ -e "$f" ] && log "ignoring $f" ;;
            esac
        done
    fi
    pg_ctl -D "$PGDATA" -m fast -w stop >&2
    log "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
