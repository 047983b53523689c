#!/usr/bin/env bash
# Build the harness' offline test images without any container registry:
#
#   harness-test/postgres:15  debootstrap --variant=minbase bookworm + postgresql-15
#                             (Debian package mirror only) + docker-entrypoint.sh
#                             compatible with the official postgres image
#   harness-test/redis:7      the host's /usr/bin/redis-server (Debian package)
#                             + its ldd libraries + a tiny entrypoint
#
# Both are made with `tar | docker import --change ...`: no Dockerfile, no base
# image, nothing pulled. An image that already exists is skipped.
#
# Usage: build-images.sh [--force] [--refresh-rootfs] [postgres] [redis]
#   (no image names = both)
#   --force           rebuild the image(s) even if present (postgres reuses the
#                     cached debootstrap rootfs, so no network is needed)
#   --refresh-rootfs  also re-run debootstrap (implies --force for postgres)
#
# Environment:
#   DEBIAN_MIRROR   Debian mirror for debootstrap (default: from the host's apt
#                   sources, else http://deb.debian.org/debian)
#   DEBIAN_SUITE    default bookworm (postgresql-15 is bookworm's version)
#   HARNESS_DOCKER_CACHE  rootfs cache dir (default: tests/docker/.cache)
#
# Needs root (debootstrap, chroot-owned files) and a running engine
# (tests/docker/start-engine.sh is run if `docker info` does not answer).
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${HARNESS_DOCKER_CACHE:-$HERE/.cache}"
SUITE="${DEBIAN_SUITE:-bookworm}"
PG_IMAGE="harness-test/postgres:15"
PG_MAJOR=15
REDIS_IMAGE="harness-test/redis:7"
REDIS_MAJOR=7

FORCE=0
REFRESH_ROOTFS=0
WANT=()

usage() { sed -n '2,/^set -Eeuo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

for arg; do
    case "$arg" in
        --force) FORCE=1 ;;
        --refresh-rootfs) REFRESH_ROOTFS=1 ;;
        postgres|redis) WANT+=("$arg") ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'build-images: unknown argument %q\n\n' "$arg" >&2; usage >&2; exit 2 ;;
    esac
done
[ "${#WANT[@]}" -gt 0 ] || WANT=(postgres redis)

say() { printf 'build-images: %s\n' "$*"; }
die() { printf 'build-images: ERROR: %s\n' "$*" >&2; exit 1; }
now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
image_size() { docker image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1000000 }'; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and root-owned image files need it)"
command -v docker >/dev/null 2>&1 || die "no docker client (apt-get install docker.io)"
if ! docker info >/dev/null 2>&1; then
    say "engine not answering; running start-engine.sh"
    "$HERE/start-engine.sh" || die "no Docker engine"
fi

mkdir -p "$CACHE"

# ---- scratch directories; unmount anything left inside before deleting --------
WORKDIRS=()
# umount_under DIR: lazily unmount every mount point below DIR (deepest first).
umount_under() {
    local m
    while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done < <(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
}
cleanup() {
    local d
    for d in "${WORKDIRS[@]}"; do
        [ -d "$d" ] || continue
        # debootstrap mounts proc/sys (and maybe dev) in the target: never rm through a mount.
        umount_under "$d"
        rm -rf --one-file-system "$d"
    done
}
trap cleanup EXIT
# new_workdir NAME: sets WORK (no $(...): the list must be updated in this shell).
new_workdir() {
    WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/harness-image-$1.XXXXXX")"
    WORKDIRS+=("$WORK")
}

# ---- compression for the rootfs cache (zstd if present, else gzip) -------------
if command -v zstd >/dev/null 2>&1; then
    CEXT=zst; COMPRESS=(zstd -q -T0 -3); DECOMPRESS=(zstd -q -d -c)
else
    CEXT=gz; COMPRESS=(gzip -1); DECOMPRESS=(gzip -d -c)
fi

detect_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then printf '%s' "$DEBIAN_MIRROR"; return; fi
    local m=''
    if [ -r /etc/apt/sources.list.d/debian.sources ]; then
        m="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)"
    fi
    if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
        m="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list)"
    fi
    printf '%s' "${m:-http://deb.debian.org/debian}"
}

declare -A RESULT TIME DETAIL

# =============================== postgres ======================================
build_postgres() {
    local t0 img="$PG_IMAGE" old_id=''
    t0="$(now)"
    if image_exists "$img" && [ "$FORCE" -eq 0 ] && [ "$REFRESH_ROOTFS" -eq 0 ]; then
        RESULT[postgres]=skipped; TIME[postgres]="$(since "$t0")"
        DETAIL[postgres]="already present ($(image_size "$img")); --force rebuilds"
        say "$img exists, skipping (--force rebuilds)"
        return
    fi
    image_exists "$img" && old_id="$(image_id "$img")"

    local work rootfs cache_file how
    new_workdir postgres; work="$WORK"
    rootfs="$work/rootfs"
    mkdir -p "$rootfs"
    cache_file="$CACHE/rootfs-postgresql-${PG_MAJOR}-${SUITE}-$(dpkg --print-architecture).tar.$CEXT"

    if [ -s "$cache_file" ] && [ "$REFRESH_ROOTFS" -eq 0 ]; then
        local tx; tx="$(now)"
        say "unpacking cached rootfs $(basename "$cache_file") ($(du -h "$cache_file" | cut -f1))"
        "${DECOMPRESS[@]}" "$cache_file" | tar -C "$rootfs" --numeric-owner -xpf -
        how="cached rootfs, unpacked in $(since "$tx")s"
    else
        command -v debootstrap >/dev/null 2>&1 || {
            say "installing debootstrap"
            apt-get install -y --no-install-recommends debootstrap >/dev/null
        }
        local mirror td; mirror="$(detect_mirror)"; td="$(now)"
        say "debootstrap --variant=minbase --include=postgresql-${PG_MAJOR} $SUITE from $mirror (about a minute)"
        if ! debootstrap --variant=minbase --include="postgresql-${PG_MAJOR}" \
                "$SUITE" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
            tail -n 25 "$work/debootstrap.log" >&2
            [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -n 25 "$rootfs/debootstrap/debootstrap.log" >&2
            die "debootstrap failed (see above)"
        fi
        local tdeboot; tdeboot="$(since "$td")"
        umount_under "$rootfs"
        # Shrink: the cluster postgresql-common created at install time, apt
        # caches and lists, docs (copyright files kept), man pages, logs, /dev.
        rm -rf "${rootfs:?}/etc/postgresql/$PG_MAJOR" "${rootfs:?}/var/lib/postgresql/$PG_MAJOR" \
               "${rootfs:?}"/var/log/postgresql/* \
               "${rootfs:?}"/var/cache/apt/archives/*.deb "${rootfs:?}"/var/cache/apt/*.bin \
               "${rootfs:?}"/var/lib/apt/lists/* "${rootfs:?}"/usr/share/man/* "${rootfs:?}"/usr/share/info/* \
               "${rootfs:?}"/var/cache/debconf/*-old
        rm -rf --one-file-system "${rootfs:?}"/dev/*
        find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
        find "$rootfs/usr/share/doc" -type d -empty -delete
        find "$rootfs/var/log" -type f -exec truncate -s 0 '{}' +
        mkdir -p "$rootfs/var/lib/apt/lists/partial"
        local tc; tc="$(now)"
        tar -C "$rootfs" --numeric-owner -cpf - . | "${COMPRESS[@]}" >"$cache_file.tmp"
        mv "$cache_file.tmp" "$cache_file"
        how="debootstrap ${tdeboot}s, cached as $(basename "$cache_file") ($(du -h "$cache_file" | cut -f1)) in $(since "$tc")s"
    fi

    # ---- verify what the image needs --------------------------------------------
    local pglib="$rootfs/usr/lib/postgresql/$PG_MAJOR" f
    for f in "$pglib/bin/postgres" "$pglib/bin/initdb" "$pglib/bin/pg_ctl" "$pglib/bin/psql" \
             "$pglib/lib/pg_stat_statements.so" \
             "$rootfs/usr/share/postgresql/$PG_MAJOR/extension/pg_stat_statements.control" \
             "$rootfs/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample" \
             "$rootfs/usr/bin/setpriv" "$rootfs/bin/bash"; do
        [ -e "$f" ] || die "rootfs lacks ${f#"$rootfs"} (delete $cache_file and rerun)"
    done
    grep -q '^postgres:' "$rootfs/etc/passwd" || die "rootfs has no postgres user"
    local pgver
    # shellcheck disable=SC2016  # ${Version} is a dpkg-query format field
    pgver="$(chroot "$rootfs" dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR")"
    say "rootfs OK: postgresql-$PG_MAJOR $pgver, pg_stat_statements.so present"

    # ---- customise (not cached: editing the entrypoint needs no debootstrap) -----
    # Like the official image: the sample config listens on all addresses.
    sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" \
        "$rootfs/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"
    grep -q "^listen_addresses = '\*'" "$rootfs/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample" \
        || die "could not set listen_addresses in postgresql.conf.sample"
    install -D -m 0755 "$HERE/postgres/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
    mkdir -p "$rootfs/docker-entrypoint-initdb.d" "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
    chroot "$rootfs" chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
    chmod 0700 "$rootfs/var/lib/postgresql/data"
    chmod 03775 "$rootfs/var/run/postgresql"

    # No STOPSIGNAL: `docker import --change` rejects it on Docker 20.10 (the
    # official image uses SIGINT). `docker stop` therefore sends SIGTERM, i.e.
    # a "smart" shutdown that waits for clients; Testcontainers removes with
    # force (SIGKILL) and is unaffected. `docker kill -s INT` = fast shutdown.
    local ti; ti="$(now)"
    tar -C "$rootfs" --numeric-owner -cpf - . | docker import \
        --change "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --change 'ENV PGDATA=/var/lib/postgresql/data' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        --change 'CMD ["postgres"]' \
        --change 'EXPOSE 5432' \
        --change "LABEL org.opencontainers.image.title=$PG_IMAGE org.opencontainers.image.version=$pgver org.opencontainers.image.description=\"Debian $SUITE postgresql-$PG_MAJOR, offline harness test image\"" \
        --message "harness tests/docker/build-images.sh: debootstrap $SUITE + postgresql-$PG_MAJOR $pgver" \
        - "$img" >/dev/null
    local timport; timport="$(since "$ti")"
    if [ -n "$old_id" ] && [ "$old_id" != "$(image_id "$img")" ]; then
        docker rmi "$old_id" >/dev/null 2>&1 || say "old image ${old_id:7:12} still in use, left as <none>"
    fi

    # ---- quick check: binary runs inside ------------------------------------------
    local v; v="$(docker run --rm "$img" postgres --version)" || die "$img does not run"
    RESULT[postgres]=built; TIME[postgres]="$(since "$t0")"
    DETAIL[postgres]="$v; $how; import ${timport}s; $(image_size "$img")"
    say "$img built in ${TIME[postgres]}s ($v; $how; import ${timport}s; $(image_size "$img"))"
}

# ================================ redis ========================================
build_redis() {
    local t0 img="$REDIS_IMAGE" old_id=''
    t0="$(now)"
    if image_exists "$img" && [ "$FORCE" -eq 0 ]; then
        RESULT[redis]=skipped; TIME[redis]="$(since "$t0")"
        DETAIL[redis]="already present ($(image_size "$img")); --force rebuilds"
        say "$img exists, skipping (--force rebuilds)"
        return
    fi
    image_exists "$img" && old_id="$(image_id "$img")"

    if [ ! -x /usr/bin/redis-server ]; then
        say "installing redis-server from Debian (the image copies the host binary)"
        apt-get install -y --no-install-recommends redis-server >/dev/null
    fi
    local ver; ver="$(/usr/bin/redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
    [ "${ver%%.*}" = "$REDIS_MAJOR" ] || say "WARNING: host redis-server is $ver, the image is tagged $img"

    local work rootfs; new_workdir redis; work="$WORK"; rootfs="$work/rootfs"
    mkdir -p "$rootfs"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/bin,etc,tmp,data,root}
    ln -s usr/bin "$rootfs/bin"; ln -s usr/sbin "$rootfs/sbin"
    ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"
    chmod 1777 "$rootfs/tmp"

    local bins=(/usr/bin/redis-server /bin/dash) b lib dir
    [ -x /usr/bin/redis-cli ] && bins+=(/usr/bin/redis-cli)
    for b in "${bins[@]}"; do
        cp -L "$b" "$rootfs/usr/bin/$(basename "$b")"
        # ldd lines: "libx.so => /path (0x..)" or "/lib64/ld-linux-x86-64.so.2 (0x..)"
        while read -r lib; do
            dir="$(realpath "$(dirname "$lib")")"
            mkdir -p "$rootfs$dir"
            cp -L "$lib" "$rootfs$dir/$(basename "$lib")"
        done < <(ldd "$b" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
    done
    ln -s dash "$rootfs/usr/bin/sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:999:redis:/data:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nredis:x:999:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    install -m 0755 "$HERE/redis/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"

    local ti; ti="$(now)"
    tar -C "$rootfs" --numeric-owner -cpf - . | docker import \
        --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
        --change 'WORKDIR /data' \
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        --change 'CMD ["redis-server","--bind","0.0.0.0","--protected-mode","no","--save","","--appendonly","no"]' \
        --change 'EXPOSE 6379' \
        --change "LABEL org.opencontainers.image.title=$REDIS_IMAGE org.opencontainers.image.version=$ver org.opencontainers.image.description=\"host Debian redis-server $ver + ldd libraries, offline harness test image\"" \
        --message "harness tests/docker/build-images.sh: host /usr/bin/redis-server $ver" \
        - "$img" >/dev/null
    local timport; timport="$(since "$ti")"
    if [ -n "$old_id" ] && [ "$old_id" != "$(image_id "$img")" ]; then
        docker rmi "$old_id" >/dev/null 2>&1 || say "old image ${old_id:7:12} still in use, left as <none>"
    fi

    local v; v="$(docker run --rm "$img" redis-server --version)" || die "$img does not run"
    RESULT[redis]=built; TIME[redis]="$(since "$t0")"
    DETAIL[redis]="redis $ver; import ${timport}s; $(image_size "$img")"
    say "$img built in ${TIME[redis]}s (redis $ver; import ${timport}s; $(image_size "$img"))"
}

T_ALL="$(now)"
for w in "${WANT[@]}"; do
    "build_$w"
done

say "summary (total $(since "$T_ALL")s):"
for w in "${WANT[@]}"; do
    case "$w" in postgres) img="$PG_IMAGE" ;; redis) img="$REDIS_IMAGE" ;; esac
    printf '  %-26s %-8s %6ss  %s\n' "$img" "${RESULT[$w]}" "${TIME[$w]}" "${DETAIL[$w]}"
done
