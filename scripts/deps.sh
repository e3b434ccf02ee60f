#!/usr/bin/env bash
# Install the Debian packages the project needs, or say exactly how to.
# What only one architecture's runs need is installed only when that
# architecture is asked for (ARCH=, as make's; x86_64 by default).
#
# Usage: deps.sh
# Environment: ARCH (x86_64 or um)
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
	coccinelle:spatch
	gnuplot-nox:gnuplot
	manpages-dev:/usr/share/man/man2/landlock_restrict_self.2.gz
	groff-base:groff
	mandoc:mandoc
)
case $KARCH in
# User-Mode Linux is a host program, linked with the host's C library
# (build-essential, above): nothing more, and no QEMU.
um) ;;
*) needs+=(qemu-system-x86:qemu-system-x86_64) ;;
esac

missing=()
for n in "${needs[@]}"; do
	pkg=${n%%:*}
	probe=${n#*:}
	if [[ $probe == /* ]]; then
		[[ -e $probe ]] && continue
	else
		command -v "$probe" >/dev/null 2>&1 && continue
	fi
	missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	done_step "all ${#needs[@]} packages present"
	exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	die "$EX_DEPS" "missing packages; as root run: $line"
fi
info "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "$EX_DEPS" "apt-get update failed"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "$EX_DEPS" "failed: $line"
done_step "installed ${#missing[@]} package(s)"
