#!/usr/bin/env bash
# Helpers to start partita-stored on a temporary socket and stop it cleanly.
# Sourced by the store integration tests and the benchmark script.

store_start() { # store_start <partita-stored> [daemon options...]
	local bin=$1
	shift
	STORE_DIR=$(mktemp -d /tmp/partita-store.XXXXXX)
	STORE_SOCK=$STORE_DIR/socket
	STORE_PID_FILE=$STORE_DIR/pid
	STORE_LOG=$STORE_DIR/log
	"$bin" --socket "$STORE_SOCK" --pid-file "$STORE_PID_FILE" "$@" \
		2>"$STORE_LOG" &
	STORE_PID=$!
	for _ in $(seq 100); do
		[ -S "$STORE_SOCK" ] && [ -s "$STORE_PID_FILE" ] && break
		sleep 0.05
	done
	[ -S "$STORE_SOCK" ] || { echo "daemon did not start"; cat "$STORE_LOG"; return 1; }
	# Both the socket and the device lookups of libxenstore honour this,
	# so the stock tools never try /dev/xen/xenbus.
	export XENSTORED_PATH=$STORE_SOCK
}

# SIGTERM must end the daemon with status 0 and remove its files.
store_stop() {
	local status=0
	kill -TERM "$STORE_PID"
	wait "$STORE_PID" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "daemon exited with status $status"; cat "$STORE_LOG"; return 1
	fi
	if [ -e "$STORE_SOCK" ] || [ -e "$STORE_PID_FILE" ]; then
		echo "daemon left its socket or pid file behind"; return 1
	fi
	rm -rf "$STORE_DIR"
}
