#!/bin/sh
# node1 is gone: make node2 ($STANDBY_DATA, running on $STANDBY_PORT) the primary.
set -eu
echo "TODO: promote node2 (see the README)"
