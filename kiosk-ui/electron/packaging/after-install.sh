#!/bin/sh
# Installs the autostart unit for every user; the kiosk user's session enables it (docs/kiosk.md).
set -e
install -D -m 0644 /opt/yss-kiosk/resources/yss-kiosk.service /usr/lib/systemd/user/yss-kiosk.service 2>/dev/null || true
