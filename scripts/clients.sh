#!/usr/bin/env bash
# make clients: build real TSYNC clients that others wrote, from Debian's
# packages and unchanged, and run them in the guest: the landlock crate's
# unit tests, go-landlock's tests (default build and -tags landlocktsync),
# landrun's tests, and landrun sandboxing a program of ours.
#
# What comes from where:
# - the crate, go-landlock, landrun and everything they build with: Debian
#   sid's packages of tools/clients/packages (apt-get download with a
#   private apt state, lib.sh's apt_private), cached in
#   ~/.cache/landlock-tsync/clients/;
# - Go: sid's golang-1.26 (its go command is static, and runs here), in
#   GOPATH mode over Debian's /usr/share/gocode, as Debian's dh-golang
#   builds; CGO_ENABLED=0, so every Go program is static;
# - cargo and rustc: the machine's own (1.71 or later: the crate's
#   rust-version; Debian 12's is older), offline, with Debian's registry
#   directory replacing crates.io.
# landrun's source package is not on the archive mirror this machine
# reaches; golang-github-zouuup-landrun-dev, built from it, holds its Go
# sources, cmd/landrun included.
#
# The clients are built once into build/clients/ (both bases run the same
# binaries), then run by tools/clients/run.sh in make exec's guest (the
# host's root directory over 9p); its whole output is in the log, and one
# line per suite and the totals are printed here.
#
# make run's Go panel (clients.sh FLAVOUR panel): tools/go/tsync built the
# same way with -tags golandlock, whose TSYNC side is go-landlock's
# Config.Restrict(), as /tools/go-tsync-panel in an initramfs of its own
# (build/clients/panel.cpio.gz), which make run adds to the guest's.
#
# Usage: clients.sh FLAVOUR [run|panel]   (after make initramfs; UNFIXED=1
#        with BASE=mainline: on the unfixed kernel)
# Environment: LOG (the console log), and boot.sh's TIMEOUT, MEM.
set -euo pipefail
STEP=clients
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
mode=${2:-run}
dir=$BUILD_ROOT/clients
debs=$CACHE/clients
list=$TOP/tools/clients/packages
mkdir -p "$dir/bin" "$debs"

# 1. The packages, at their pinned versions (or, with a warning, the
# suite's newest one).
APT_DIR=
apt_suite=
fetched=()
while read -r suite pkg version; do
	[[ -n $suite && $suite != \#* ]] || continue
	deb=$(compgen -G "$debs/${pkg}_${version//:/%3a}_*.deb" | head -1 || true)
	if [[ -z $deb ]]; then
		if [[ $suite != "$apt_suite" ]]; then
			[[ -z $APT_DIR ]] || rm -rf "$APT_DIR"
			info "downloading from Debian $suite (private apt state)"
			apt_private "$suite"
			apt_suite=$suite
		fi
		deb=$(apt_download "$pkg" "$version" "$debs" "Debian $suite")
	fi
	fetched+=("$deb")
done <"$list"
[[ -z $APT_DIR ]] || rm -rf "$APT_DIR"

# 2. Unpacked into build/clients/root when the set of packages changes.
stamp=$(printf '%s\n' "${fetched[@]##*/}" | sha256sum | cut -c1-16)
if [[ $(cat "$dir/root.stamp" 2>/dev/null) != "$stamp" ]]; then
	rm -rf "$dir/root" "$dir/crate"
	for deb in "${fetched[@]}"; do
		dpkg-deb -x "$deb" "$dir/root" || die "$EX_DEPS" "cannot unpack $deb"
	done
	echo "$stamp" >"$dir/root.stamp"
fi

# 3. The builds.
goroot=$dir/root/usr/lib/go-1.26
gobuild() {
	env GOROOT="$goroot" GOPATH="$dir/root/usr/share/gocode" GO111MODULE=off \
		GOTOOLCHAIN=local GOFLAGS= GOENV=off GOTELEMETRY=off CGO_ENABLED=0 \
		GOCACHE="$CACHE/clients/go-build" "$goroot/bin/go" "$@" 2>>"$dir/go.log" || {
		cat "$dir/go.log" >&2
		die "$EX_BUILD" "go $*: failed"
	}
}
: >"$dir/go.log"
if [[ $mode == panel ]]; then
	(cd "$TOP/tools/go/tsync" && gobuild build -tags golandlock -trimpath -ldflags=-s \
		-o "$dir/bin/go-tsync-panel" .)
	printf '%s\n' "dir /tools 0755 0 0" "file /tools/go-tsync-panel $dir/bin/go-tsync-panel 0755 0 0" |
		"$(obj_dir "$flavour")/usr/gen_init_cpio" - | gzip -1 >"$dir/panel.cpio.gz"
	done_step "make run's Go panel: tools/go/tsync -tags golandlock, $("$goroot/bin/go" version | awk '{ print $3 }'), go-landlock from Debian"
	exit 0
fi
command -v cargo >/dev/null ||
	die "$EX_DEPS" "no cargo: make clients needs cargo and rustc 1.71 or later (the landlock crate's rust-version; Debian 12's are older)"
rustv=$(rustc --version | awk '{ print $2 }')
[[ $(printf '%s\n' 1.71 "$rustv" | sort -V | head -1) == 1.71 ]] ||
	die "$EX_DEPS" "rustc $rustv is older than 1.71, the landlock crate's rust-version"
registry=$dir/root/usr/share/cargo/registry
crate=$(compgen -G "$registry/landlock-*" | head -1)
if [[ ! -d $dir/crate ]]; then
	cp -r "$crate" "$dir/crate"
fi
mkdir -p "$dir/cargo-home"
cat >"$dir/cargo-home/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "$registry"
[net]
offline = true
EOF
info "landlock crate ${crate##*/landlock-}: cargo test --no-run (cargo $(cargo --version | awk '{ print $2 }'), offline, Debian's registry)"
exe=$(cd "$dir/crate" && CARGO_HOME=$dir/cargo-home CARGO_TARGET_DIR=$dir/rust-target \
	cargo test --offline --lib --no-run --message-format=json 2>"$dir/cargo.log" |
	sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1) || true
[[ -n $exe ]] || {
	cat "$dir/cargo.log" >&2
	die "$EX_BUILD" "cannot build the landlock crate's tests"
}
cp "$exe" "$dir/bin/landlock-crate.test"

info "go-landlock and landrun: $("$goroot/bin/go" version | awk '{ print $3 }'), GOPATH mode, CGO_ENABLED=0"
gobuild test -c -o "$dir/bin/go-landlock.test" github.com/landlock-lsm/go-landlock/landlock
gobuild test -c -tags landlocktsync -o "$dir/bin/go-landlock-tsync.test" \
	github.com/landlock-lsm/go-landlock/landlock
gobuild test -c -o "$dir/bin/go-landlock-syscall.test" \
	github.com/landlock-lsm/go-landlock/landlock/syscall
gobuild test -c -o "$dir/bin/landrun-elfdeps.test" github.com/zouuup/landrun/internal/elfdeps
gobuild build -o "$dir/bin/landrun" github.com/zouuup/landrun/cmd/landrun
gcc -O2 -Wall -Werror -D_GNU_SOURCE -static -pthread -o "$dir/bin/probe" "$TOP/tools/clients/probe.c"
gcc -O2 -Wall -Werror -static -o "$dir/bin/abi" "$TOP/tools/abi.c"

# 4. The run, in the guest; its whole output goes to the log only.
name=$(build_name "$flavour")
[[ ${UNFIXED:-0} != 1 ]] || name=unfixed
log=${LOG:-$BUILD/logs/$name-clients.log}
mkdir -p "$BUILD/logs"
info "running the clients in the guest (log: ${log#"$TOP"/})"
set +e
LOG=$log TIMEOUT=${TIMEOUT:-1800} "$TOP/scripts/exec.sh" "$flavour" \
	"$TOP/tools/clients/run.sh" "$dir" >/dev/null </dev/null
rc=$?
set -e
[[ $rc -eq 0 || $rc -eq $EX_TEST ]] || die "$rc" "the guest gave no verdict (status $rc; log: ${log#"$TOP"/})"
[[ $rc -eq 0 ]] || die "$EX_TEST" "the guest failed (status $rc; log: ${log#"$TOP"/})"
tr -d '\r' <"$log" | sed -n 's/^@@NOTE /note: /p'
tr -d '\r' <"$log" | awk -F'|' '
/^@@CLIENT / {
	sub(/^@@CLIENT /, "")
	printf "%-52s %4d passed, %d failed, %d skipped  (%s)\n", $1 ":", $2, $3, $4, $5
	pass += $2; fail += $3; skip += $4; n++
}
END {
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit (n == 0 || fail > 0) ? 1 : 0
}' || die "$EX_TEST" "a client failed (log: ${log#"$TOP"/})"
done_step "every client passed on the $name kernel"
