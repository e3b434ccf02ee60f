#!/usr/bin/env bash
# Turn the series into mail files that git send-email can post, and show what
# it would send. Nothing is ever sent.
#
#   - one mail per patches/NNNN-*.patch (0000-cover-letter.patch included) in
#     build/mbox/, every one addressed to the whole series' recipients from
#     get_maintainer.pl (maintainers in To:, reviewers and lists in Cc:), so
#     that each reviewer gets the whole thread; To:/Cc: already in the files
#     are replaced;
#   - a base-commit: trailer (git format-patch --base) checked against the
#     base tag, or added to the first mail when no file has one;
#   - each mail applied in order with git am onto the base tag, in a scratch
#     sparse clone (build/linux is only read);
#   - git send-email --dry-run on the result.
#
# Environment: PATCHES=dir (default patches/), MBOX=dir (default build/mbox).
set -euo pipefail
STEP=mbox
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

patches_dir=${PATCHES:-$TOP/patches}
out=${MBOX:-$BUILD/mbox}

[[ -x $LINUX/scripts/get_maintainer.pl ]] || die "$EX_TREE" "no tree at $LINUX; run 'make tree'"
# git-email only recommends the Perl module that git send-email needs.
if [[ ! -x $(git --exec-path)/git-send-email ]] || ! perl -MMail::Address -e 1 2>/dev/null; then
	die "$EX_DEPS" "git send-email is missing; run 'make deps', or as root: apt-get install -y --no-install-recommends git-email libmailtools-perl"
fi
base=$(git -C "$LINUX" rev-parse --verify -q "$BASE_TAG^{commit}") ||
	die "$EX_TREE" "no tag '$BASE_TAG' in $LINUX; run 'make tree'"

mapfile -t mails < <(find "$patches_dir" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
patches=()
for m in "${mails[@]}"; do
	[[ ${m##*/} == 0000-* ]] || patches+=("$m")
done
[[ ${#patches[@]} -gt 0 ]] || die "$EX_TREE" "no patch in $patches_dir; run 'make export'"
if [[ ${mails[0]##*/} == 0000-* ]] && grep -qF -e '*** SUBJECT HERE ***' -e '*** BLURB HERE ***' "${mails[0]}"; then
	die "$EX_TREE" "${mails[0]##*/} still has the *** SUBJECT/BLURB HERE *** placeholders"
fi

# The base the series says it applies to must be the base tag.
mapfile -t bases < <(sed -n 's/^base-commit: \([0-9a-f]\{40\}\)$/\1/p' "${mails[@]}" | sort -u)
case ${#bases[@]} in
0) add_base=1 ;;
1)
	add_base=0
	[[ ${bases[0]} == "$base" ]] ||
		die "$EX_TREE" "series has base-commit: ${bases[0]}, but $BASE_TAG is $base; run 'make export'"
	;;
*) die "$EX_TREE" "series has several base-commit: trailers: ${bases[*]}" ;;
esac

# Recipients: the union over the whole series. The sender (the patches'
# From:) is left out, it signs every patch.
from=$(sed -n '/^$/q; s/^From: //p' "${patches[0]}")
[[ -n $from ]] || die "$EX_TREE" "${patches[0]##*/} has no From: header"
sender=${from##*<}
sender=${sender%%>*}
gm() {
	(cd "$LINUX" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-keywords \
		--no-rolestats --no-s "$@" "${patches[@]}") | grep -vF "<$sender>" || true
}
mapfile -t to < <(gm --no-r --no-l)
mapfile -t cc < <(gm --no-m)
[[ ${#to[@]} -gt 0 ]] || die "$EX_TREE" "get_maintainer.pl found no maintainer for the series"

# header NAME ADDR...: one folded header line, as git format-patch writes it.
header() {
	local name=$1 sep='' a
	shift
	printf '%s: ' "$name"
	for a in "$@"; do
		printf '%s%s' "$sep" "$a"
		sep=$',\n    '
	done
	printf '\n'
}

rm -rf "$out"
mkdir -p "$out"
first=1
for m in "${mails[@]}"; do
	f=$out/${m##*/}
	# Replace To:/Cc: (and their continuation lines) in the header block,
	# which ends at the first empty line.
	awk -v hdr="$(header To "${to[@]}"; [[ ${#cc[@]} -eq 0 ]] || header Cc "${cc[@]}")" '
		body { print; next }
		/^$/ { print hdr; print; body = 1; next }
		/^(To|Cc):/ { skip = 1; next }
		skip && /^[ \t]/ { next }
		{ skip = 0; print }
	' "$m" >"$f"
	if [[ $first -eq 1 && $add_base -eq 1 ]]; then
		printf '\nbase-commit: %s\n' "$base" >>"$f"
	fi
	first=0
done

# Every mail must apply in order onto the base tag. A sparse clone holding
# only the files the series touches keeps this fast.
tmp=$(mktemp -d "$BUILD/mbox-am.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mapfile -t paths < <(sed -n 's|^diff --git a/\(.*\) b/\(.*\)$|/\1\n/\2|p' "${patches[@]}" | sort -u)
git clone -q --shared --no-checkout "$LINUX" "$tmp/linux"
git -C "$tmp/linux" sparse-checkout set --no-cone "${paths[@]}"
git -C "$tmp/linux" checkout -q --detach "$base"
for m in "${mails[@]}"; do
	[[ ${m##*/} == 0000-* ]] && continue
	if ! git -C "$tmp/linux" -c user.name=mbox -c user.email=mbox@localhost \
		am -q "$out/${m##*/}" >"$tmp/am.log" 2>&1; then
		cat "$tmp/am.log" >&2
		die "$EX_TREE" "${m##*/} does not apply with git am onto $BASE_TAG"
	fi
done
info "all ${#patches[@]} patch(es) apply with git am onto $BASE_TAG (${base:0:12})"
if [[ $(git -C "$tmp/linux" rev-parse 'HEAD^{tree}') != $(git -C "$LINUX" rev-parse 'HEAD^{tree}') ]]; then
	warn "the series does not give build/linux's HEAD tree; run 'make export' if patches/ is stale"
fi

# What git send-email would send. --dry-run sends nothing; the command-line
# options override any sendemail.* configuration, and the SMTP server is
# /bin/false should anything ever try to send.
log=$out/send-email-dry-run.log
git send-email --dry-run --confirm=never --smtp-server=/bin/false \
	--no-to --no-cc --no-bcc --suppress-cc=self --from="$from" \
	--8bit-encoding=UTF-8 --no-format-patch --no-validate \
	"$out"/[0-9][0-9][0-9][0-9]-*.patch </dev/null >"$log" 2>&1 ||
	die "$EX_TREE" "git send-email --dry-run failed (see $log)"
sent=$(grep -c '^Dry-OK\.' "$log" || true)
[[ $sent -eq ${#mails[@]} ]] ||
	die "$EX_TREE" "git send-email --dry-run handled $sent of ${#mails[@]} mail(s) (see $log)"

echo "git send-email --dry-run would send ${#mails[@]} mail(s) (full log: ${log#"$TOP"/}):"
printf '  From: %s\n' "$from"
header '  To' "${to[@]}"
[[ ${#cc[@]} -eq 0 ]] || header '  Cc' "${cc[@]}"
sed -n 's/^Subject: /  /p' "$log"
echo "To send them: git send-email --suppress-cc=self --from='You <you@example.org>' ${out#"$TOP"/}/*.patch"
done_step "${#mails[@]} mail(s) in ${out#"$TOP"/}; nothing was sent"
