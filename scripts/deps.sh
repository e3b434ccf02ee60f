#!/usr/bin/env bash
# Install the Debian packages the project needs, or say exactly how to.
# What only one architecture's runs need is installed only when that
# architecture is asked for (ARCH=, as make's; x86_64 by default), or the
# make goal that needs it (make check cross-builds security/landlock for
# arm64).
#
# Usage: deps.sh [GOAL...]   (make's goals: the Makefile passes them)
# Environment: ARCH (x86_64, um or arm64)
set -euo pipefail
STEP=deps
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# package:command-or-file that proves it is installed
needs=(
	build-essential:gcc
	flex:flex
	bison:bison
	bc:bc
	libelf-dev:/usr/include/libelf.h
	libssl-dev:/usr/include/openssl/ssl.h
	cpio:cpio
	rsync:rsync
	ccache:ccache
	busybox-static:/bin/busybox
	file:file
	libcap-dev:/usr/lib/x86_64-linux-gnu/libpsx.a
	golang-go:go
	xz-utils:xz
	git:git
	git-email:/usr/lib/git-core/git-send-email
	libmailtools-perl:/usr/share/perl5/Mail/Address.pm
	python3:python3
	python3-ply:/usr/lib/python3/dist-packages/ply/__init__.py
	python3-git:/usr/lib/python3/dist-packages/git/__init__.py
	perl:perl
	kmod:depmod
	sparse:sparse
	shellcheck:shellcheck
	codespell:codespell
	clang-format-16:clang-format-16
	patch:patch
	coccinelle:spatch
	gnuplot-nox:gnuplot
	manpages-dev:/usr/share/man/man2/landlock_restrict_self.2.gz
	groff-base:groff
	mandoc:mandoc
)
# arm64: Debian's cross compiler and the C library headers it needs (without
# libc6-dev-arm64-cross, the selftests' cross build falls back to the host's
# /usr/include and stops at bits/wordsize.h), libcap (fs_test links it statically) of
# the arm64 architecture (dpkg multiarch), QEMU for arm64; the guest's
# busybox, Debian's busybox-static:arm64, is extracted below.
arm64_needs=(
	gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc
	libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/include/bits/wordsize.h
	libcap-dev:arm64:/usr/lib/aarch64-linux-gnu/libcap.a
	qemu-system-arm:qemu-system-aarch64
)
case $KARCH in
# User-Mode Linux is a host program, linked with the host's C library
# (build-essential, above): nothing more, and no QEMU.
um) ;;
arm64) needs+=("${arm64_needs[@]}") ;;
*) needs+=(qemu-system-x86:qemu-system-x86_64) ;;
esac
# make check: sparse and W=1 on security/landlock for arm64 too.
if [[ $KARCH != arm64 && " $* " == *" check "* ]]; then
	needs+=("${arm64_needs[0]}")
fi

# arm64_busybox: extract busybox-static:arm64 (which cannot be installed
# beside the host's busybox-static) to $BUSYBOX, once.
arm64_busybox() {
	local dir tmp
	[[ $KARCH == arm64 && ! -x $BUSYBOX ]] || return 0
	dir=${BUSYBOX%/bin/busybox}
	tmp=$(mktemp -d)
	# apt-get download writes as the _apt user when it can.
	chmod 0777 "$tmp"
	if ! (cd "$tmp" && apt-get download busybox-static:arm64) >"$tmp/log" 2>&1; then
		cat "$tmp/log" >&2
		rm -rf "$tmp"
		die "$EX_DEPS" "cannot download busybox-static:arm64 (as root: dpkg --add-architecture arm64 && apt-get update)"
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$dir" ||
		die "$EX_DEPS" "cannot extract busybox-static:arm64"
	rm -rf "$tmp"
	[[ -x $BUSYBOX ]] || die "$EX_DEPS" "busybox-static:arm64 has no bin/busybox"
	info "extracted busybox-static:arm64 to $BUSYBOX"
}

missing=()
for n in "${needs[@]}"; do
	# package[:architecture]:command-or-file
	pkg=${n%:*}
	probe=${n##*:}
	if [[ $probe == /* ]]; then
		[[ -e $probe ]] && continue
	else
		command -v "$probe" >/dev/null 2>&1 && continue
	fi
	missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	arm64_busybox
	done_step "all ${#needs[@]} packages present"
	exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
# Packages of another architecture (libcap-dev:arm64) need it in dpkg.
foreign=0
[[ " ${missing[*]}" != *:arm64* ]] ||
	dpkg --print-foreign-architectures | grep -qx arm64 || foreign=1
[[ $foreign -eq 0 ]] || line="dpkg --add-architecture arm64 && apt-get update && $line"
if [[ $(id -u) -ne 0 ]]; then
	die "$EX_DEPS" "missing packages; as root run: $line"
fi
info "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [[ $foreign -eq 1 ]]; then
	dpkg --add-architecture arm64 || die "$EX_DEPS" "dpkg --add-architecture arm64 failed"
fi
apt-get update -qq || die "$EX_DEPS" "apt-get update failed"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "$EX_DEPS" "failed: $line"
arm64_busybox
done_step "installed ${#missing[@]} package(s)"
