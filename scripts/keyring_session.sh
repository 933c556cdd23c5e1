#!/usr/bin/env bash
# A private, headless Secret Service for tests: a D-Bus session bus and an unlocked
# gnome-keyring in temporary folders (docs/behaviour.md, "System keyrings"). Needs the Debian
# packages dbus, gnome-keyring and libsecret-tools.
#
#   eval "$(scripts/keyring_session.sh start)"   # exports DBUS_SESSION_BUS_ADDRESS, ...
#   ...                                          # run the tests
#   scripts/keyring_session.sh stop              # kills both daemons by PID, removes the folder
#
# `start` prints only `export VAR=...` lines on stdout (diagnostics go to stderr):
#   DBUS_SESSION_BUS_ADDRESS       the private session bus
#   ANACONDA_KEYRING_SESSION_PIDS  "<dbus-daemon pid> <gnome-keyring-daemon pid>"
#   ANACONDA_KEYRING_SESSION_DIR   the temporary folder (HOME/XDG_* of the daemons)
# `stop` reads those two variables (or takes the PIDs and folder as arguments:
# `stop PID... [--dir DIR]`). The keyring password is random and is never on a
# command line. HOME, DISPLAY etc. of the calling shell are not changed.
set -euo pipefail

die() {
  echo "keyring_session.sh: $*" >&2
  exit 1
}

start() {
  local tool
  for tool in dbus-daemon dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool not found (apt-get install dbus gnome-keyring libsecret-tools)"
  done
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/keyring-session.XXXXXX")
  mkdir -p "$dir/home" "$dir/data" "$dir/config" "$dir/runtime"
  chmod 700 "$dir" "$dir/runtime"

  # 1. A session bus of our own.
  local bus_info bus_address bus_pid
  bus_info=$(env -u DISPLAY HOME="$dir/home" XDG_RUNTIME_DIR="$dir/runtime" \
    dbus-daemon --session --fork --nopidfile --print-address=1 --print-pid=1) ||
    die "dbus-daemon did not start"
  bus_address=$(sed -n 1p <<<"$bus_info")
  bus_pid=$(sed -n 2p <<<"$bus_info")
  [ -n "$bus_address" ] && [ -n "$bus_pid" ] || die "dbus-daemon printed no address/pid"

  local -a daemon_env=(env -u DISPLAY -u WAYLAND_DISPLAY
    HOME="$dir/home" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config"
    XDG_RUNTIME_DIR="$dir/runtime" DBUS_SESSION_BUS_ADDRESS="$bus_address")

  # 2. gnome-keyring: creates the `login` collection and unlocks it with the password on stdin.
  local password
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  if ! printf '%s' "$password" |
    "${daemon_env[@]}" gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null; then
    kill "$bus_pid" 2>/dev/null || true
    rm -rf "$dir"
    die "gnome-keyring-daemon did not start"
  fi

  # 3. Wait until the bus name has an owner, then check that the collection is unlocked.
  local keyring_pid="" i reply
  for i in $(seq 1 100); do
    reply=$("${daemon_env[@]}" dbus-send --session --print-reply --dest=org.freedesktop.DBus \
      /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
      string:org.freedesktop.secrets 2>/dev/null) || reply=""
    keyring_pid=$(awk '/uint32/ {print $2}' <<<"$reply")
    [ -n "$keyring_pid" ] && break
    sleep 0.05
  done
  if [ -z "$keyring_pid" ]; then
    kill "$bus_pid" 2>/dev/null || true
    rm -rf "$dir"
    die "org.freedesktop.secrets did not appear on the session bus"
  fi
  local locked=""
  for i in $(seq 1 100); do
    locked=$("${daemon_env[@]}" dbus-send --session --print-reply --dest=org.freedesktop.secrets \
      /org/freedesktop/secrets/aliases/default org.freedesktop.DBus.Properties.Get \
      string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null |
      awk '/boolean/ {print $3}') || locked=""
    [ -n "$locked" ] && break
    sleep 0.05
  done
  if [ "$locked" != "false" ]; then
    kill "$keyring_pid" "$bus_pid" 2>/dev/null || true
    rm -rf "$dir"
    die "the default collection is not unlocked (Locked=${locked:-unknown})"
  fi

  printf 'export DBUS_SESSION_BUS_ADDRESS=%q\n' "$bus_address"
  printf 'export ANACONDA_KEYRING_SESSION_PIDS=%q\n' "$bus_pid $keyring_pid"
  printf 'export ANACONDA_KEYRING_SESSION_DIR=%q\n' "$dir"
  echo "keyring_session.sh: Secret Service up (dbus-daemon $bus_pid, gnome-keyring-daemon $keyring_pid)" >&2
}

stop() {
  local -a pids=()
  local dir="${ANACONDA_KEYRING_SESSION_DIR:-}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      *) pids+=("$1"); shift ;;
    esac
  done
  if [ ${#pids[@]} -eq 0 ]; then
    # shellcheck disable=SC2206
    pids=(${ANACONDA_KEYRING_SESSION_PIDS:-})
  fi
  [ ${#pids[@]} -gt 0 ] || die "no PIDs: pass them or set ANACONDA_KEYRING_SESSION_PIDS"
  local pid
  for pid in "${pids[@]}"; do
    [[ "$pid" =~ ^[0-9]+$ ]] || die "not a PID: $pid"
    kill "$pid" 2>/dev/null || true
  done
  case "$dir" in
    */keyring-session.*) rm -rf "$dir" ;;
    "") ;;
    *) echo "keyring_session.sh: not removing $dir (not a keyring-session folder)" >&2 ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 start | stop [PID...] [--dir DIR]" ;;
esac
