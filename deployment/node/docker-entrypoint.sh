#!/bin/sh
# Entrypoint of dbops-offline/node:20. Like the official node image: when the command is an
# option (`-e ...`) or not a program on PATH (`dist/main.js`), run it with node.
set -e
if [ "$#" -eq 0 ]; then
	set -- node
elif [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1 || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
	set -- node "$@"
fi
exec "$@"
