#!/bin/sh
# Entrypoint of harness-test/redis:7 (the host's Debian redis-server, built offline).
#
# Like the official redis image:
#   * `IMAGE --port 7777` or `IMAGE /path/redis.conf` == `IMAGE redis-server ...`
#   * the official image is compiled with protected-mode off; this binary is
#     Debian's (protected-mode on by default), so when redis-server gets neither
#     a config file nor an explicit --protected-mode, `--protected-mode no` is
#     appended. That keeps e.g. RedisContainer(password=...) (which replaces the
#     command with `redis-server --requirepass ...`) reachable from the host.
# Anything else is exec'd as is (`redis-cli`, `sh`).
set -e

case "$1" in
    -*|*.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = 'redis-server' ]; then
    add_pm=yes
    for arg; do
        case "$arg" in
            --protected-mode|*.conf) add_pm=no ;;
        esac
    done
    if [ "$add_pm" = yes ]; then
        set -- "$@" --protected-mode no
    fi
fi

exec "$@"
