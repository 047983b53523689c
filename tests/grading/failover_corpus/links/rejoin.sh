#!/bin/sh
# Hostile: instead of rewinding node1, it replaces node1's folder with a link to root's home and the
# log the harness reads of node1 with a link to /etc/shadow. The harness reads both through
# descriptors that never follow a link: pg.ha.rejoined fails (node1's files were replaced), nothing
# of /etc/shadow is shown, and the removal of the folder leaves what the links name alone.
set -eu
mv "$OLD_PRIMARY_DATA" "$OLD_PRIMARY_DATA.moved"
ln -s /root "$OLD_PRIMARY_DATA"
ln -s /etc/shadow "$HOME/node1-rejoined.log"
ln -s /etc/shadow "$HOME/$(basename "$OLD_PRIMARY_DATA").moved/escape-link"
echo "node1's folder is now a link to /root"
