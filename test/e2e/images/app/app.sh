#!/bin/sh
# busybox httpd serving /www; its CGI scripts see the container's environment (CACHE_URL, APP_NAME).
# PID 1 traps TERM so `docker stop` is immediate (see hold.sh).
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
# /state/first is written by the first container that finds the image's volume empty.
[ -f /state/first ] || hostname > /state/first
httpd -f -p 9090 -h /www &
pid=$!
wait "$pid"
