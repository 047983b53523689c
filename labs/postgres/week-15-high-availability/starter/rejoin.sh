#!/bin/sh
# node1 is stopped, its folder ($OLD_PRIMARY_DATA) a timeline behind node2: make it a standby of
# node2 ($NEW_PRIMARY_HOST:$NEW_PRIMARY_PORT) without copying it anew.
set -eu
echo "TODO: rewind node1 and make it a standby (see the README)"
exit 1
