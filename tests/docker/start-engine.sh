#!/usr/bin/env bash
# Start a Docker engine (dockerd) if none answers, and print its version.
#
# Idempotent: if `docker info` already answers, nothing is started.
# Meant for root on a fresh Debian 12 after `apt-get install docker.io`
# (no systemd needed: dockerd is started in the background directly).
#
# Storage driver: dockerd's own choice is tried first (overlay2 on ext4/xfs).
# If dockerd dies and its log blames the storage driver (e.g. overlay2 on an
# overlay/tmpfs root inside another container), it is restarted once with
# --storage-driver=vfs, which always works but copies every layer in full
# (slow, disk hungry); the script says so loudly.
#
# Environment:
#   DOCKERD_LOG              dockerd log file            (default /tmp/dockerd.log)
#   DOCKERD_TIMEOUT          seconds to wait per attempt (default 30)
#   DOCKER_STORAGE_DRIVER    force a driver, e.g. vfs     (default: dockerd's choice)
#   DOCKERD_EXTRA_ARGS       extra dockerd arguments (word-split)
#   DOCKER_PIDFILE           dockerd pid file             (default /var/run/docker.pid)
#   DOCKER_HOST              if unix://PATH, dockerd listens there (default socket otherwise)
#
# Exit codes: 0 engine answers; 1 cannot start (message on stderr).
set -euo pipefail

LOG=${DOCKERD_LOG:-/tmp/dockerd.log}
TIMEOUT=${DOCKERD_TIMEOUT:-30}

say()  { printf 'start-engine: %s\n' "$*"; }
die()  { printf 'start-engine: ERROR: %s\n' "$*" >&2; exit 1; }

report() {
    local server driver cgroup
    server=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')
    driver=$(docker info --format '{{.Driver}}' 2>/dev/null || echo '?')
    cgroup=$(docker info --format 'cgroup v{{.CgroupVersion}} ({{.CgroupDriver}})' 2>/dev/null || echo '?')
    say "Docker engine ${server} is up (storage driver: ${driver}, ${cgroup})"
    if [ "$driver" = vfs ]; then
        say "WARNING: storage driver is vfs: every layer is a full copy; builds and container starts are slower and use more disk."
    fi
    # A local engine whose docker0 bridge vanished (e.g. another dockerd started
    # with --bridge=none deletes it) fails every `docker run` on the default
    # network with "could not find bridge docker0". Restarting dockerd recreates it.
    local br
    br=$(docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null || true)
    if [ -z "${DOCKER_HOST:-}" ] && [ -n "$br" ] && [ -d /sys/class/net ] && [ ! -e "/sys/class/net/$br" ]; then
        say "WARNING: the default bridge interface $br is missing: containers on the default network will not start; restart dockerd (stop it, then rerun this script)."
    fi
}

engine_answers() { docker info >/dev/null 2>&1; }

command -v docker >/dev/null 2>&1 || die "no 'docker' client on PATH (install it: apt-get install docker.io)"

if engine_answers; then
    say "engine already running"
    report
    exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
    die "DOCKER_HOST=${DOCKER_HOST} does not answer, and it is not a local socket this script could start"
fi
command -v dockerd >/dev/null 2>&1 || die "no 'dockerd' on PATH (install it as root: apt-get install docker.io)"
[ "$(id -u)" -eq 0 ] || die "the engine is not running and starting dockerd needs root (run: sudo $0)"

# A stale pid file from a killed dockerd makes the new one refuse to start.
PIDFILE=${DOCKER_PIDFILE:-/var/run/docker.pid}
if [ -f "$PIDFILE" ]; then
    oldpid=$(cat "$PIDFILE" 2>/dev/null || true)
    if [ -n "$oldpid" ] && kill -0 "$oldpid" 2>/dev/null; then
        say "dockerd (pid ${oldpid}) exists but does not answer yet; waiting for it"
        for _ in $(seq 1 "$TIMEOUT"); do
            engine_answers && { report; exit 0; }
            sleep 1
        done
        die "dockerd pid ${oldpid} is running but 'docker info' did not answer within ${TIMEOUT}s (see ${LOG})"
    fi
    say "removing stale ${PIDFILE}"
    rm -f "$PIDFILE"
fi

# show_log_errors: the error lines of this attempt (whole tail if none).
show_log_errors() {
    local lines
    # shellcheck disable=SC2016  # sed script, not shell
    lines=$(sed -n '/^==== .* start-engine: dockerd/h; /^==== .* start-engine: dockerd/!H; ${x;p}' "$LOG" \
            | grep -E 'level=(error|fatal)|^failed to start|Error' | tail -n 8 || true)
    [ -n "$lines" ] || lines=$(tail -n 15 "$LOG")
    printf '%s\n' "$lines" | sed 's/^/    /'
}

# start_dockerd <extra args...>: starts dockerd detached, waits; 0 = answers.
DPID=
start_dockerd() {
    local -a args=("--pidfile=$PIDFILE" "$@")
    [ -n "${DOCKER_HOST:-}" ] && args+=("--host=$DOCKER_HOST")
    # shellcheck disable=SC2206
    [ -n "${DOCKERD_EXTRA_ARGS:-}" ] && args+=(${DOCKERD_EXTRA_ARGS})
    say "starting: dockerd ${args[*]} (log: ${LOG})"
    { printf '\n==== %s start-engine: dockerd %s\n' "$(date -Is)" "${args[*]}"; } >>"$LOG"
    # setsid + nohup: the daemon must outlive this script and its terminal.
    setsid nohup dockerd "${args[@]}" >>"$LOG" 2>&1 </dev/null &
    DPID=$!
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
        if engine_answers; then
            say "engine answered after $((SECONDS - t0))s (dockerd pid ${DPID})"
            return 0
        fi
        if ! kill -0 "$DPID" 2>/dev/null; then
            say "dockerd exited during startup; errors in ${LOG}:"
            show_log_errors
            return 1
        fi
        sleep 1
    done
    say "dockerd did not answer within ${TIMEOUT}s; errors in ${LOG}:"
    show_log_errors
    return 2
}

args=()
[ -n "${DOCKER_STORAGE_DRIVER:-}" ] && args+=("--storage-driver=${DOCKER_STORAGE_DRIVER}")

rc=0
start_dockerd "${args[@]}" || rc=$?
if [ "$rc" -eq 0 ]; then
    report
    exit 0
fi

# Fallback: storage driver problems (typical when / is overlayfs inside a container).
if [ "$rc" -eq 1 ] && [ -z "${DOCKER_STORAGE_DRIVER:-}" ] \
   && show_log_errors | grep -qiE 'storage.driver|graphdriver|overlay|driver not supported|backing file ?system'; then
    say "storage driver failure detected; retrying with --storage-driver=vfs (slow but works everywhere)"
    rm -f "$PIDFILE"
    if start_dockerd --storage-driver=vfs "${args[@]}"; then
        report
        exit 0
    fi
fi

if [ "$rc" -eq 2 ] && [ -n "$DPID" ]; then
    kill "$DPID" 2>/dev/null || true   # the dockerd we started but that never answered
fi
die "could not start dockerd (see ${LOG}). Common causes: not root; iptables unusable (try DOCKERD_EXTRA_ARGS='--iptables=false'); storage driver (try DOCKER_STORAGE_DRIVER=vfs); cgroups not mounted."
