#!/usr/bin/env bash
# Generate the kernel configuration: tinyconfig + the x86_64 boot fragment
# + the Landlock selftests' own config (+ the debug fragment for the debug
# kernel), then check that every requested symbol landed. BASE=mainline
# adds config/mainline-x86_64.config after the boot fragment (and
# config/mainline-debug-x86_64.config after the debug one). With ARCH=um:
# ARCH=um tinyconfig + the UML fragment + the selftests' config and
# config.um, in build/obj-um. With ARCH=i386 (make check): ARCH=i386
# tinyconfig + the selftests' config + config/check-i386.config, in
# build/obj-i386. With ARCH=arm64: ARCH=arm64 tinyconfig + the arm64 boot
# fragment + the selftests' config, in build/obj-arm64.
#
# Usage: config.sh [test|debug|kcsan|base]
# Environment: ARCH (x86_64, um, i386 or arm64)
set -euo pipefail
STEP=config
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
obj=$(obj_dir "$flavour")
name=$(build_name "$flavour")
if [[ $KARCH != x86_64 ]]; then
	[[ $flavour == test ]] || die "$EX_CONFIG" "ARCH=$KARCH has one flavour: test (not '$flavour')"
fi
[[ -d $LINUX ]] || die "$EX_CONFIG" "no tree; run 'make tree'"
use_flavour "$flavour"
fragments=("$TOP/config/boot-x86_64.config" "$LINUX/tools/testing/selftests/landlock/config")
[[ $KARCH != um ]] || fragments=("$TOP/config/um-x86_64.config"
	"$LINUX/tools/testing/selftests/landlock/config" "$LINUX/tools/testing/selftests/landlock/config.um")
[[ $KARCH != i386 ]] || fragments=("$LINUX/tools/testing/selftests/landlock/config"
	"$TOP/config/check-i386.config")
[[ $KARCH != arm64 ]] || fragments=("$TOP/config/boot-arm64.config"
	"$LINUX/tools/testing/selftests/landlock/config")
# BASE=mainline (x86_64 only): what 7.3 names differently.
[[ $BASE != mainline ]] || fragments+=("$TOP/config/mainline-x86_64.config")
case $flavour in
debug) fragments+=("$TOP/config/debug-x86_64.config") ;;
kcsan) fragments+=("$TOP/config/debug-x86_64.config" "$TOP/config/kcsan-x86_64.config") ;;
esac
[[ $BASE != mainline || ($flavour != debug && $flavour != kcsan) ]] ||
	fragments+=("$TOP/config/mainline-debug-x86_64.config")

# Regenerate only when a fragment or the tree's Kconfig files changed.
stamp=$(cat "${fragments[@]}" | sha256sum | cut -d' ' -f1)-$(git -C "$LINUX" rev-parse HEAD)
if [[ -f $obj/.config && -f $obj/.config-stamp && $(cat "$obj/.config-stamp") == "$stamp" ]]; then
	done_step "$name: up to date"
	exit 0
fi

mkdir -p "$obj"
cat "${fragments[@]}" >"$obj/requested.config"
# merge_config.sh -m: merge onto tinyconfig without running olddefconfig yet.
make -s -C "$LINUX" O="$obj" "${KMAKE[@]}" tinyconfig >"$obj/config.log" 2>&1 ||
	die "$EX_CONFIG" "make tinyconfig failed (see $obj/config.log)"
(cd "$obj" && "$LINUX/scripts/kconfig/merge_config.sh" -m -O "$obj" .config \
	"${fragments[@]}") >>"$obj/config.log" 2>&1 ||
	die "$EX_CONFIG" "merge_config.sh failed (see $obj/config.log)"
cp "$obj/.config" "$obj/.config.merged"
make -s -C "$LINUX" O="$obj" "${KMAKE[@]}" olddefconfig >>"$obj/config.log" 2>&1 ||
	die "$EX_CONFIG" "make olddefconfig failed (see $obj/config.log)"

# Every requested symbol must have the requested value after olddefconfig.
# A later fragment overrides an earlier one (as merge_config.sh does): only
# the last request for a symbol counts.
awk '{ sym = $0 }
	/^CONFIG_[A-Za-z0-9_]+=/ { sub(/=.*/, "", sym) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { sym = $2 }
	sym != $0 { last[sym] = NR }
	{ line[NR] = $0; key[NR] = sym }
	END { for (i = 1; i <= NR; i++) if (key[i] != line[i] && last[key[i]] == i) print line[i] }' \
	"$obj/requested.config" >"$obj/requested.effective"
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		want=${line#*=}
		;;
	"# CONFIG_"*" is not set")
		sym=${line#"# "}
		sym=${sym%% *}
		want=n
		;;
	*) continue ;;
	esac
	got=$(grep -E "^$sym=" "$obj/.config" | cut -d= -f2- || true)
	[[ -n $got ]] || got=n
	if [[ $got != "$want" ]]; then
		printf 'config: %s: requested %s, got %s\n' "$sym" "$want" "$got" >&2
		bad=$((bad + 1))
	fi
done <"$obj/requested.effective"
if [[ $bad -gt 0 ]]; then
	rm -f "$obj/.config-stamp"
	die "$EX_CONFIG" "$bad requested symbol(s) missing from the $name config (dependencies? see $obj/requested.config)"
fi
echo "$stamp" >"$obj/.config-stamp"
done_step "$name: $(grep -c '^CONFIG_' "$obj/requested.effective") requested symbols all set ($obj/.config)"
