#!/bin/sh
# Hostile: promotes node2 as the reference does, then tries what is not its own: files outside its
# jail, the machine's secrets, the harness's processes (or any process not of its uid), and exits
# 3, so that pg.ha.promoted fails and its evidence shows these lines (the other checks pass).
set -u
pg_ctl promote -w -t 30 -D "$STANDBY_DATA" >/dev/null
echo "synchronous_standby_names = ''" >> "$STANDBY_DATA/postgresql.auto.conf"
pg_ctl reload -D "$STANDBY_DATA" >/dev/null

echo "uid $(id -u)"
for target in /etc/harness-ha-pwned /root/harness-ha-pwned /usr/local/harness-ha-pwned \
    /var/tmp/harness-ha-pwned /harness-ha-pwned; do
  if (echo pwned > "$target") 2>/dev/null; then echo "write $target: WROTE"; else echo "write $target: denied"; fi
done
if head -c 1 /etc/shadow >/dev/null 2>&1; then echo "read /etc/shadow: READ"; else echo "read /etc/shadow: denied"; fi
if ls /root >/dev/null 2>&1; then echo "list /root: LISTED"; else echo "list /root: denied"; fi
# Every process it can see, and whether it may signal it: only its own uid's are there.
mine=0; foreign=0; signalled=0
for status in /proc/[0-9]*/status; do
  uid=$(awk '/^Uid:/ {print $2}' "$status" 2>/dev/null) || continue
  [ -n "$uid" ] || continue
  if [ "$uid" = "$(id -u)" ]; then mine=$((mine + 1)); else foreign=$((foreign + 1)); fi
  pid=${status#/proc/}; pid=${pid%/status}
  if [ "$uid" != "$(id -u)" ] && kill -0 "$pid" 2>/dev/null; then signalled=$((signalled + 1)); fi
done
echo "processes seen: $mine of its uid, $foreign of another uid, $signalled of another uid signalled"
exit 3
