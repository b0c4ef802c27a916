#!/usr/bin/env bash
# Entrypoint of dbops-offline/postgres:15, the locally built stand-in for the official `postgres`
# image (used where no registry can be reached). It keeps the parts of that image's contract the
# toolkit and its tests rely on:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required unless
#   POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_DB (default: the user), PGDATA,
#   POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD (default
#   scram-sha-256), <VAR>_FILE variants for USER/PASSWORD/DB/INITDB_ARGS,
#   initialisation only when PGDATA holds no cluster, then /docker-entrypoint-initdb.d/*.sh,
#   *.sql and *.sql.gz in sorted order, and the server runs as `postgres` with `exec`, so it is
#   PID 1 and receives docker's stop signal itself.
# No `-u`: scripts in /docker-entrypoint-initdb.d are sourced into this shell, as the official
# image does, and many of them read variables that may be unset.
set -Eeo pipefail

readonly INITDB_DIR=/docker-entrypoint-initdb.d
readonly SOCKET_DIR=/var/run/postgresql

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*"; }
die() { log "error: $*" >&2; exit 1; }

# VAR or VAR_FILE (a Docker secret), never both.
load_var() {
	local name="$1" default="$2" file_name="${1}_FILE"
	local value="${!name:-}" file="${!file_name:-}"
	if [[ -n "$value" && -n "$file" ]]; then
		die "both $name and $file_name are set; set only one of them"
	fi
	if [[ -n "$file" ]]; then
		[[ -r "$file" ]] || die "$file_name points to '$file', which cannot be read"
		value="$(<"$file")"
	fi
	export "$name"="${value:-$default}"
	unset "$file_name"
}

# Options that only print something must not trigger initialisation (as in the official image).
wants_info_only() {
	local arg
	for arg in "$@"; do
		case "$arg" in
			-'?' | --help | --describe-config | -V | --version | -C | -C*) return 0 ;;
		esac
	done
	return 1
}

prepare_dirs_as_root() {
	mkdir -p "$PGDATA" "$SOCKET_DIR"
	# A fresh named volume or bind mount is owned by root; postgres refuses anything but its own.
	if [[ "$(stat -c %U "$PGDATA")" != postgres ]] || find "$PGDATA" -mindepth 1 ! -user postgres -print -quit | grep -q .; then
		chown -R postgres:postgres "$PGDATA"
	fi
	chmod 0700 "$PGDATA"
	chown postgres:postgres "$SOCKET_DIR"
	chmod 3777 "$SOCKET_DIR"
	if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		chown postgres:postgres "$POSTGRES_INITDB_WALDIR"
		chmod 0700 "$POSTGRES_INITDB_WALDIR"
	fi
}

check_auth_settings() {
	if [[ -z "$POSTGRES_PASSWORD" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
		die "the database is not initialised and POSTGRES_PASSWORD is empty. Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to the superuser's password, for example 'docker run -e POSTGRES_PASSWORD=secret ...'. To allow every connection without a password instead (never do this outside a throwaway test), set POSTGRES_HOST_AUTH_METHOD=trust."
	fi
	if [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]]; then
		log "warning: POSTGRES_HOST_AUTH_METHOD=trust: every host connection is accepted without a password"
	fi
}

run_initdb() {
	local -a args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host=trust)
	local -a extra=()
	if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
		args+=(--waldir="$POSTGRES_INITDB_WALDIR")
	fi
	# Word splitting with shell quoting, so POSTGRES_INITDB_ARGS='--locale "C.UTF-8"' works.
	eval "extra=($POSTGRES_INITDB_ARGS)"
	if [[ -n "$POSTGRES_PASSWORD" ]]; then
		# The password goes through a pipe, never argv or a file. The substitution must sit on
		# the initdb line itself: bash closes it when the command that created it ends.
		initdb "${args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") "${extra[@]}"
	else
		initdb "${args[@]}" "${extra[@]}"
	fi
	# Loopback and the Unix socket stay trusted (as in the official image, so `docker exec psql`
	# works); everything arriving over the network must authenticate.
	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

# psql against the temporary server on the Unix socket, stopping at the first error.
init_psql() {
	PGHOST= PGHOSTADDR= psql -X -v ON_ERROR_STOP=1 --no-password --username "$POSTGRES_USER" "$@"
}

start_temp_server() {
	local opts=""
	# User options first, so the socket-only settings below win.
	if (($# > 0)); then opts="$(printf '%q ' "$@")"; fi
	opts+="-c listen_addresses='' -p ${PGPORT:-5432}"
	pg_ctl -D "$PGDATA" -o "$opts" -w start
}

create_database() {
	[[ "$POSTGRES_DB" == postgres ]] && return 0
	init_psql --dbname postgres --set db="$POSTGRES_DB" <<-'SQL'
		SELECT format('CREATE DATABASE %I', :'db')
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
		\gexec
	SQL
}

run_init_scripts() {
	local f
	shopt -s nullglob
	for f in "$INITDB_DIR"/*; do
		case "$f" in
			*.sh)
				if [[ -x "$f" ]]; then
					log "running $f"
					"$f"
				else
					log "sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)
				log "running $f"
				init_psql --dbname "$POSTGRES_DB" -f "$f"
				;;
			*.sql.gz)
				log "running $f"
				gunzip -c "$f" | init_psql --dbname "$POSTGRES_DB"
				;;
			*) log "ignoring $f (only *.sh, *.sql and *.sql.gz are run)" ;;
		esac
	done
	shopt -u nullglob
}

initialise() {
	check_auth_settings
	log "initialising a new cluster in $PGDATA for user '$POSTGRES_USER', database '$POSTGRES_DB'"
	run_initdb
	# Scripts and psql may need the password if POSTGRES_INITDB_ARGS made local auth strict.
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	start_temp_server "$@"
	create_database
	run_init_scripts
	pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD
	log "initialisation complete; starting the server"
}

main() {
	# `docker run image -c fsync=off` means `postgres -c fsync=off`.
	if [[ $# -eq 0 || "$1" == -* ]]; then
		set -- postgres "$@"
	fi
	if [[ "$1" != postgres ]] || wants_info_only "${@:2}"; then
		exec "$@"
	fi

	load_var POSTGRES_USER postgres
	load_var POSTGRES_PASSWORD ""
	load_var POSTGRES_DB "$POSTGRES_USER"
	load_var POSTGRES_INITDB_ARGS ""
	export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
	export POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

	if [[ "$(id -u)" == 0 ]]; then
		prepare_dirs_as_root
		export HOME=/var/lib/postgresql
		exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
	fi

	if [[ -s "$PGDATA/PG_VERSION" ]]; then
		log "$PGDATA already holds a PostgreSQL $(<"$PGDATA/PG_VERSION") cluster; skipping initialisation"
	else
		initialise "${@:2}"
	fi
	exec "$@"
}

main "$@"
