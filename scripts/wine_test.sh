#!/usr/bin/env bash
# `deno task test:windows`: the Windows code run for real, under Wine, on Linux. Deno's
# Windows build (npm @deno/win32-x64, the version scripts/deno pins) runs the Windows
# Credential Manager tests against Wine's advapi32, the token-store tests, a CLI session
# with preferred_token_storage = "system", and interop with credentials written the way
# Python keyring writes them (scripts/wine/keyring_peer.c).
#
#   scripts/wine_test.sh           # those tests
#   scripts/wine_test.sh --all     # the whole suite instead
#   scripts/wine_test.sh -- FILE…  # the given test files
#
# It installs what is missing (Debian: wine64, gcc-mingw-w64-x86-64, as root), fetches
# deno.exe into the git-ignored .wine/, builds the shim bcryptprimitives.dll that Wine
# 8.0 needs to run it (scripts/wine/bcryptprimitives.c), and runs everything in a new,
# private Wine prefix that is removed at the end (its wineserver killed). Tests see
# ANACONDA_TEST_WINE=1, and the test certificates made here beforehand (no openssl runs
# under Wine). The output ends with Deno's summary line; the exit code is Deno's. Every
# step has a time limit.
#
# Test files run one at a time: Wine 8.0's Credential Manager is not thread-safe (calls
# from two threads at once corrupt its heap; a C program with four threads crashes it),
# and `deno test --parallel` runs files on several threads of one process.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '== wine: %s\n' "$*" >&2; }
die() {
  printf 'wine_test.sh: %s\n' "$*" >&2
  exit 1
}

files=(
  src/store/windows_cred_test.ts
  tests/windows_cred_native_test.ts
  tests/windows_cred_no_ffi_test.ts
  src/store/token_store_test.ts
  src/context_test.ts
  tests/context_spawn_test.ts
  tests/windows_session_test.ts
)
case "${1:-}" in
  --all) files=() ;;
  --) shift && files=("$@") ;;
  "") ;;
  *) die "unknown argument $1 (use --all, or -- FILE...)" ;;
esac

# 1. Wine and the mingw-w64 compiler from Debian.
packages=(wine64 gcc-mingw-w64-x86-64)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or apt-get install them)"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { timeout 600 apt-get update -qq && timeout 900 apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"; } >/dev/null || die "apt-get install ${missing[*]} failed"
fi
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver64
[ -x "$wine" ] || wine=$(command -v wine64 || command -v wine || true)
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || true)
[ -n "$wine" ] && [ -n "$wineserver" ] || die "wine64 is installed but its programs were not found"

# 2. Deno for Windows, the version scripts/deno pins, and the programs built here.
version=$(sed -n 's/^DENO_VERSION=//p' scripts/deno)
[ -n "$version" ] || die "no DENO_VERSION in scripts/deno"
bin="$root/.wine/bin"
mkdir -p "$bin"
if ! [ -f "$bin/deno-$version.exe" ]; then
  log "fetching @deno/win32-x64@$version from npm"
  download=$(mktemp -d)
  (cd "$download" && timeout 600 npm pack --silent "@deno/win32-x64@$version" >/dev/null) ||
    die "npm pack @deno/win32-x64@$version failed"
  tar -xzf "$download"/*.tgz -C "$download" package/deno.exe
  mv "$download/package/deno.exe" "$bin/deno-$version.exe"
  rm -rf "$download"
fi
cp "$bin/deno-$version.exe" "$bin/deno.exe"
log "building the shim bcryptprimitives.dll and keyring_peer.exe (mingw-w64)"
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -shared -o "$bin/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -lbcrypt
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -municode -o "$bin/keyring_peer.exe" \
  scripts/wine/keyring_peer.c -ladvapi32

# 3. A private Wine prefix (its own registry, so its own Credential Manager).
windows_path() { printf 'Z:%s' "${1//\//\\}"; }
prefix=$(mktemp -d "${TMPDIR:-/tmp}/anaconda-wine.XXXXXX")
export WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko install dialogs, no display, no debugger that would wait forever for
# someone when a program crashes, and the shim rather than any bcryptprimitives of Wine's.
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d;bcryptprimitives=n"
unset DISPLAY WAYLAND_DISPLAY
child=
# Runs a command in the background and waits, so that a signal is handled at once.
run() {
  "$@" &
  child=$!
  wait "$child"
}
cleanup() {
  [ -z "$child" ] || kill "$child" 2>/dev/null || true
  WINEPREFIX="$prefix" timeout 30 "$wineserver" -k >/dev/null 2>&1 || true
  WINEPREFIX="$prefix" timeout 30 "$wineserver" -w >/dev/null 2>&1 || true
  rm -rf "$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "creating a Wine prefix in $prefix"
run timeout 300 "$wine" wineboot --init >/dev/null 2>&1 || die "wineboot did not finish within 300 s"
# Let the first start finish its background work (services, registry updates) and
# shut down: programs started while it is still going on can hang.
run timeout 120 "$wineserver" -w || die "Wine did not settle within 120 s after creating the prefix"
# Every program of the prefix finds the shim (Go programs such as esbuild need it too).
cp "$bin/bcryptprimitives.dll" "$prefix/drive_c/windows/system32/"

# Test certificates, made with this machine's openssl (scripts/test_ca.ts).
if command -v openssl >/dev/null 2>&1; then
  run timeout 120 scripts/deno eval --quiet \
    "import { createTestCertificates } from './scripts/test_ca.ts'; await createTestCertificates({ dir: '$prefix/certs' });" ||
    die "making the test certificates failed"
  ANACONDA_TEST_CERTIFICATES=$(windows_path "$prefix/certs")
  export ANACONDA_TEST_CERTIFICATES
fi

# 4. The tests, with Deno's cache kept in .wine/ between runs.
export DENO_DIR NO_COLOR=1 ANACONDA_TEST_WINE=1 ANACONDA_TEST_WINDOWS_CREDENTIALS=1
DENO_DIR=$(windows_path "$root/.wine/deno-dir")
ANACONDA_TEST_KEYRING_PEER=$(windows_path "$bin/keyring_peer.exe")
export ANACONDA_TEST_KEYRING_PEER
log "deno $version (Windows) under $("$wine" --version)"
run timeout 300 "$wine" "$bin/deno.exe" install --quiet >&2 || die "deno install (npm packages) failed"
# The chosen files take about two minutes, the whole suite under ten.
limit=900
[ "${#files[@]}" -gt 0 ] || limit=2400
set +e
run timeout -k 30 "$limit" "$wine" "$bin/deno.exe" test --allow-all "${files[@]}" \
  2> >(grep -v -e ':fixme:' -e ':err:winediag:' -e ':err:systray:' >&2)
status=$?
set -e
[ "$status" -ne 124 ] || log "the tests did not finish within $limit s"
exit "$status"
