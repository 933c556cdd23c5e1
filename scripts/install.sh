#!/bin/sh
# Installs `anaconda` (anaconda-auth for Deno) from a GitHub release: downloads the
# executable for this OS and CPU and the release's SHA256SUMS, checks the checksum and
# only then puts the program in ~/.local/bin (or --dir DIR), mode 755.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   sh install.sh [--dir DIR] [--version X.Y.Z]
#
# Environment (the options win over it):
#   ANACONDA_AUTH_INSTALL_DIR  where to install (default: ~/.local/bin)
#   ANACONDA_AUTH_VERSION      the release to install (default: the latest)
#   ANACONDA_AUTH_RELEASE_URL  the folder of the release files, for mirrors and tests
#                              (replaces the GitHub URL and the version)
#   ANACONDA_AUTH_OS, ANACONDA_AUTH_ARCH  instead of `uname -s` and `uname -m`
set -eu

# Placeholder: the GitHub repository (owner/name) that publishes the releases.
REPOSITORY="anaconda/anaconda-auth-deno"

say() { printf 'install.sh: %s\n' "$*" >&2; }
fail() {
	say "error: $*"
	exit 1
}

usage() {
	cat <<'EOF'
usage: install.sh [--dir DIR] [--version X.Y.Z]
  --dir DIR          install into DIR (default: $ANACONDA_AUTH_INSTALL_DIR or ~/.local/bin)
  --version X.Y.Z    install that release (default: $ANACONDA_AUTH_VERSION or the latest)
EOF
}

dir=${ANACONDA_AUTH_INSTALL_DIR:-}
version=${ANACONDA_AUTH_VERSION:-}
while [ $# -gt 0 ]; do
	case $1 in
	--dir | --version)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			say "$1 needs a value"
			usage >&2
			exit 2
		fi
		if [ "$1" = --dir ]; then dir=$2; else version=$2; fi
		shift 2
		;;
	--dir=*) dir=${1#--dir=} && shift ;;
	--version=*) version=${1#--version=} && shift ;;
	-h | --help) usage && exit 0 ;;
	*) say "unknown option: $1" && usage >&2 && exit 2 ;;
	esac
done
if [ -z "$dir" ]; then
	[ -n "${HOME:-}" ] || fail "HOME is not set: pass --dir DIR"
	dir=$HOME/.local/bin
fi

# The release file for this machine, named by Rust target triple as `deno compile` builds them.
os=${ANACONDA_AUTH_OS:-$(uname -s)}
arch=${ANACONDA_AUTH_ARCH:-$(uname -m)}
case $os in
Linux) os_triple=unknown-linux-gnu ;;
Darwin) os_triple=apple-darwin ;;
MINGW* | MSYS* | CYGWIN* | Windows_NT)
	fail "on Windows, download anaconda-x86_64-pc-windows-msvc.exe from the release page"
	;;
*) fail "there is no release build for the OS \"$os\" (only Linux and macOS)" ;;
esac
case $arch in
x86_64 | amd64) cpu=x86_64 ;;
aarch64 | arm64) cpu=aarch64 ;;
*) fail "there is no release build for the CPU \"$arch\" (only x86_64 and arm64)" ;;
esac
asset=anaconda-$cpu-$os_triple

if [ -n "${ANACONDA_AUTH_RELEASE_URL:-}" ]; then
	base=${ANACONDA_AUTH_RELEASE_URL%/}
elif [ -n "$version" ]; then
	base=https://github.com/$REPOSITORY/releases/download/v${version#v}
else
	base=https://github.com/$REPOSITORY/releases/latest/download
fi

# download URL FILE: bounded in time and size; no https -> http downgrade on redirects.
download() {
	if command -v curl >/dev/null 2>&1; then
		curl --fail --silent --show-error --location --proto-redir =https \
			--connect-timeout 20 --max-time 600 --max-filesize 268435456 --output "$2" "$1"
	else
		wget -q -T 60 -t 2 -O "$2" "$1"
	fi
}

# The SHA-256 tool, found before anything is downloaded.
if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
	fail "sha256sum or shasum is needed to check the download"
fi
command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 ||
	fail "curl or wget is needed to download the release"

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t anaconda-install)
staged=""
cleanup() {
	rm -rf "$tmp"
	[ -z "$staged" ] || rm -f "$staged"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "downloading $base/$asset"
download "$base/$asset" "$tmp/$asset" || fail "could not download $base/$asset"
download "$base/SHA256SUMS" "$tmp/SHA256SUMS" || fail "could not download $base/SHA256SUMS"

expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")
case $expected in
"") fail "$base/SHA256SUMS has no checksum for $asset; nothing was installed" ;;
*[!0-9a-f]*) fail "$base/SHA256SUMS has a malformed checksum for $asset; nothing was installed" ;;
esac
actual=$(cd "$tmp" && sha256 "$asset")
if [ "$actual" != "$expected" ]; then
	fail "checksum mismatch for $asset (expected $expected, got $actual); nothing was installed"
fi

# Stage the file next to its destination, then rename: never a partial `anaconda`.
mkdir -p "$dir" || fail "could not create $dir"
staged=$dir/.anaconda.install-$$
if ! { cp "$tmp/$asset" "$staged" && chmod 755 "$staged" && mv -f "$staged" "$dir/anaconda"; }; then
	fail "could not write $dir/anaconda"
fi
staged=""
say "installed $dir/anaconda ($asset, SHA-256 checked)"
case ":${PATH:-}:" in
*":$dir:"*) ;;
*) say "$dir is not on your PATH: add it, e.g. export PATH=\"$dir:\$PATH\"" ;;
esac
