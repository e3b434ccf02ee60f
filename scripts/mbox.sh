#!/usr/bin/env bash
# Turn the series into mail files that git send-email can post, and show what
# it would send. Nothing is ever sent.
#
#   - the kernel series: one mail per patches/NNNN-*.patch (0000-cover-letter
#     included) in build/mbox/, every one addressed to the whole series'
#     recipients from get_maintainer.pl (maintainers in To:, reviewers and
#     lists in Cc:), so that each reviewer gets the whole thread; To:/Cc:
#     already in the files are replaced; no base-commit: trailer (the base
#     is a local commit: the cover letter names the upstream release and
#     Debian's version); with FROM=, the copyright lines of the new files
#     name the sender; each mail applied in order with git am onto the base
#     tag, in a scratch sparse clone (build/linux is only read);
#   - the man-pages series: one mail per patches/man-pages/NNNN-*.patch in
#     build/mbox/man-pages/, addressed as man-pages' CONTRIBUTING asks (to
#     its maintainer, Alejandro Colomar, Cc the linux-man list), with the
#     Landlock maintainer, reviewer and list in Cc; each mail applied in
#     order with git am onto Debian's page (man-pages 6.03, the text the
#     series is written against), laid out as man-pages' tree;
#   - git send-email --dry-run on each series, which must send every mail to
#     exactly the To:/Cc: of the files, never to the sender.
#
# The sender. By default, the mails are from the patches' author, the
# project's identity. FROM='Name <addr@host>' makes them from that sender:
# it is the From: of every mail and the --from of git send-email, is left
# out of the recipients, and, as git format-patch and send-email do for a
# patch sent by someone else than its author, each patch's body starts with
# a "From: Author" line, so that git am keeps the author (checked below).
# SIGNOFF=1 (with FROM only) adds the sender's Signed-off-by under the
# existing trailers of each patch (not the cover letter), unless the patch
# already has one from that address: a Signed-off-by is the sender's own
# certification (the DCO), so it is only added when asked for.
# The patches' own author, the project's identity (PLACEHOLDER below), is
# not a person and cannot certify anything: with FROM and SIGNOFF=1 the
# sender becomes the author of the patches it wrote and its Signed-off-by
# replaces the project's, so that the mails are exactly what the sender
# would post. Without both, the last line says that they cannot be posted.
#
# Environment: FROM, SIGNOFF (0 or 1), PATCHES=dir (default patches/;
# BASE=mainline: patches/mainline/, which has no man-pages series),
# MBOX=dir (default build/mbox; BASE=mainline: build/mainline/mbox).
set -euo pipefail
STEP=mbox
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# FROM and SIGNOFF first, before anything else (make checks them too).
"$TOP/scripts/options.sh" mbox || exit 1
signoff=${SIGNOFF:-0}

patches_dir=${PATCHES:-$PATCHES_DIR}
out=${MBOX:-$BUILD/mbox}
man_dir=$patches_dir/man-pages
man_out=$out/man-pages

[[ -x $LINUX/scripts/get_maintainer.pl ]] || die "$EX_TREE" "no tree at $LINUX; run 'make tree'"
# git-email only recommends the Perl module that git send-email needs.
if [[ ! -x $(git --exec-path)/git-send-email ]] || ! perl -MMail::Address -e 1 2>/dev/null; then
	die "$EX_DEPS" "git send-email is missing; run 'make deps', or as root: apt-get install -y --no-install-recommends git-email libmailtools-perl"
fi
base=$(git -C "$LINUX" rev-parse --verify -q "$BASE_TAG^{commit}") ||
	die "$EX_TREE" "no tag '$BASE_TAG' in $LINUX; run 'make tree'"

# mails DIR: the mail files of a series, in order, cover letter first.
mails() {
	find "$1" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort
}

# check_placeholders FILE...: no cover letter left as format-patch wrote it.
check_placeholders() {
	local m
	for m in "$@"; do
		[[ ${m##*/} == 0000-* ]] || continue
		if grep -qF -e '*** SUBJECT HERE ***' -e '*** BLURB HERE ***' "$m"; then
			die "$EX_TREE" "${m#"$TOP"/} still has the *** SUBJECT/BLURB HERE *** placeholders"
		fi
	done
}

mapfile -t mails < <(mails "$patches_dir")
patches=()
for m in "${mails[@]}"; do
	[[ ${m##*/} == 0000-* ]] || patches+=("$m")
done
[[ ${#patches[@]} -gt 0 ]] || die "$EX_TREE" "no patch in $patches_dir; run 'make export'"
check_placeholders "${mails[@]}"

# A fix for a vulnerability in released kernels goes privately first:
# security-report.txt beside the series names its patches ("Patches: 1 2"),
# their recipients (To:, Cc:), and the subject and text of a cover letter
# that may hold the reproducer. Those patches go to private/, numbered
# 1/K to K/K under that cover letter; the public series in OUT leaves them
# out, numbered anew, and its cover letter must not hold the reproducer.
# Both are checked with git am: the private patches onto the base, the
# public ones on top of them.
report=$patches_dir/security-report.txt
private=()
if [[ -f $report ]]; then
	read -r -a nums <<<"$(sed -n '1,/^$/s/^Patches: *//p' "$report")"
	[[ ${#nums[@]} -gt 0 ]] || die "$EX_TREE" "${report#"$TOP"/}: no 'Patches:' line"
	stage=$(mktemp -d "$BUILD/mbox-stage.XXXXXX")
	public=()
	for p in "${patches[@]}"; do
		n=$((10#$(basename "$p" | cut -c1-4)))
		if [[ " ${nums[*]} " == *" $n "* ]]; then
			private+=("$p")
		else
			public+=("$p")
		fi
	done
	[[ ${#private[@]} -eq ${#nums[@]} ]] ||
		die "$EX_TREE" "${report#"$TOP"/}: 'Patches: ${nums[*]}' names patches that patches/ does not have"
	# renumber SRC... DIR: copies of the patches numbered 1/K to K/K,
	# zero-padded as git format-patch does.
	renumber() {
		local dir=${*: -1} k=0 total=$(($# - 1)) f
		mkdir -p "$dir"
		for f in "${@:1:$total}"; do
			k=$((k + 1))
			sed "1,/^$/s|^Subject: \[PATCH\([^]]*\) [0-9]*/[0-9]*\]|Subject: [PATCH\1 $(printf '%0*d' ${#total} $k)/$total]|" "$f" \
				>"$dir/$(printf '%04d' "$k")-${f##*/[0-9][0-9][0-9][0-9]-}"
		done
	}
	renumber "${private[@]}" "$stage/private"
	renumber "${public[@]}" "$stage/public"
	# The public cover letter, numbered 0/M.
	m=${#public[@]}
	sed "1,/^$/s|^Subject: \[PATCH\([^]]*\) 0*/[0-9]*\]|Subject: [PATCH\1 $(printf '%0*d' ${#m} 0)/$m]|" \
		"${mails[0]}" >"$stage/public/0000-cover-letter.patch"
	# The private cover letter: the public one's headers, the report's
	# subject and text.
	{
		sed -n '1,/^$/{/^Subject:/q;p}' "${mails[0]}"
		subject=$(sed -n '1,/^$/s/^Subject: *//p' "$report")
		prefix=$(sed -n '1,/^$/s/^Subject: \[\(PATCH[^]]*\) 0*\/[0-9]*\].*/\1/p' "${mails[0]}")
		k=${#private[@]}
		printf 'Subject: [%s %0*d/%d] %s\n\n' "$prefix" ${#k} 0 "$k" "$subject"
		sed '1,/^$/d' "$report"
		printf '\n%s\n' "@@SHORTLOG@@"
	} >"$stage/private/0000-cover-letter.patch"
	mapfile -t private_mails < <(mails "$stage/private")
	private=("${private_mails[@]:1}")
	mapfile -t mails < <(mails "$stage/public")
	patches=("${mails[@]:1}")
	# The public cover letter's shortlog and diffstat are written anew
	# below, from the public patches applied.
	awk '/^[^ ].* \([0-9]+\):$/ { print "@@SHORTLOG@@"; exit } { print }' \
		"$stage/public/0000-cover-letter.patch" >"$stage/cover.tmp"
	mv "$stage/cover.tmp" "$stage/public/0000-cover-letter.patch"
	if grep -qiE 'reproducer|IORING_OP_READ|empty pipe' "$stage/public/0000-cover-letter.patch"; then
		die "$EX_TREE" "the public cover letter names the reproducer of the privately reported fix; keep it to ${report#"$TOP"/}"
	fi
	trap 'rm -rf "$stage"' EXIT
fi
man_mails=()
man_patches=()
if [[ -d $man_dir ]]; then
	mapfile -t man_mails < <(mails "$man_dir")
	for m in "${man_mails[@]}"; do
		[[ ${m##*/} == 0000-* ]] || man_patches+=("$m")
	done
	check_placeholders "${man_mails[@]}"
fi

# No base-commit: trailer: it would name a local commit of Debian's
# tarball, which no reader can fetch.
if grep -l '^base-commit: ' "${mails[@]}" >/dev/null; then
	die "$EX_TREE" "the series has a base-commit: trailer naming a local commit; run 'make export'"
fi

# ident_name IDENT, ident_addr IDENT: the parts of 'Name <addr>'; the name
# without the quotes of a quoted one.
ident_name() {
	local n=${1%<*}
	n=${n%"${n##*[![:space:]]}"}
	if [[ $n == \"*\" ]]; then
		n=${n#\"}
		n=${n%\"}
		n=${n//\\\"/\"}
		n=${n//\\\\/\\}
	fi
	printf '%s' "$n"
}
ident_addr() {
	local a=${1##*<}
	printf '%s' "${a%%>*}"
}
# header_ident NAME ADDR: 'Name <addr>' for a From: header, the name quoted
# when it has an RFC 5322 special character, as git format-patch does.
header_ident() {
	local n=$1
	if [[ $n == *[\(\)\<\>\[\]:\;@\\,.\"]* ]]; then
		n=${n//\\/\\\\}
		n=\"${n//\"/\\\"}\"
	fi
	printf '%s <%s>' "$n" "$2"
}
# author FILE: the author of a patch file, from an in-body From: line if the
# body starts with one, else from its From: header.
author() {
	awk '
		!body && /^$/ { body = 1; next }
		!body && /^From: / { sub(/^From: /, ""); hdr = $0; next }
		body && /^From: / { sub(/^From: /, ""); print; found = 1; exit }
		body { exit }
		END { if (!found) print hdr }
	' "$1"
}

# The sender: FROM, or the patches' author. It is never a recipient.
author0=$(author "${patches[0]}")
[[ -n $author0 ]] || die "$EX_TREE" "${patches[0]##*/} has no From: header"
if [[ -n ${FROM:-} ]]; then
	sender_name=$(ident_name "$FROM")
	sender_addr=$(ident_addr "$FROM")
	sender=$(header_ident "$sender_name" "$sender_addr")
else
	sender=$author0
	sender_name=$(ident_name "$sender")
	sender_addr=$(ident_addr "$sender")
fi
sob=
[[ $signoff != 1 ]] || sob="Signed-off-by: $sender_name <$sender_addr>"
# The project's identity, the author of the patches in patches/: not a
# mailbox, and nobody's certification.
readonly PLACEHOLDER=landlock-tsync@localhost
# yours: 1 when the sender takes over the patches of the project's identity
# (FROM and SIGNOFF=1, and a sender that is not that identity).
yours=0
if [[ -n ${FROM:-} && -n $sob && ${sender_addr,,} != "$PLACEHOLDER" ]]; then
	yours=1
fi
sob_added=0 sob_had=0

# not_sender: the recipients read on stdin, but the sender.
not_sender() {
	grep -viF "<$sender_addr>" | grep -vixF "$sender_addr" || true
}

# Recipients of the kernel series: the union over the whole series.
gm() {
	(cd "$LINUX" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-keywords \
		--no-rolestats --no-s "$@" "${patches[@]}") | not_sender
}
mapfile -t to < <(gm --no-r --no-l)
mapfile -t cc < <(gm --no-m)
[[ ${#to[@]} -gt 0 ]] || die "$EX_TREE" "get_maintainer.pl found no maintainer for the series"
if [[ ${#private[@]} -gt 0 ]]; then
	mapfile -t private_to < <(sed -n '1,/^$/s/^To: *//p' "$report" | not_sender)
	mapfile -t private_cc < <(sed -n '1,/^$/s/^Cc: *//p' "$report" | not_sender)
	[[ ${#private_to[@]} -gt 0 ]] || die "$EX_TREE" "${report#"$TOP"/}: no To: line"
fi

# Recipients of the man-pages series. man-pages' CONTRIBUTING: patches go
# to the maintainer, Cc the list; a page about a kernel interface also goes
# to the people who know it: Landlock's maintainer, reviewer and list (its
# MAINTAINERS entry), as for the kernel series.
mapfile -t man_to < <(printf '%s\n' 'Alejandro Colomar <alx@kernel.org>' | not_sender)
mapfile -t man_cc < <(printf '%s\n' linux-man@vger.kernel.org \
	'Mickaël Salaün <mic@digikod.net>' 'Günther Noack <gnoack@google.com>' \
	linux-security-module@vger.kernel.org | not_sender)
[[ ${#man_patches[@]} -eq 0 || ${#man_to[@]} -gt 0 ]] ||
	die "$EX_TREE" "the man-pages maintainer is the sender: nobody to send the man-pages series to"

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

# write_mail SRC DEST TO-HEADERS: SRC with the sender's From:, the To:/Cc:
# headers given (replacing any in SRC), an in-body From: line when the
# sender is not the author (unless SRC has one), and, for a patch with
# SIGNOFF=1, the sender's Signed-off-by under the last trailers, before the
# "---" line, unless one with the sender's address is already there.
write_mail() {
	local src=$1 dest=$2 hdrs=$3 inbody='' add_sob='' drop='' a shortlog=''
	# A cover letter's shortlog names the sender in place of the project.
	if [[ $yours -eq 1 && $(ident_addr "$author0") == "$PLACEHOLDER" ]]; then
		shortlog=$(ident_name "$author0")
	fi
	if [[ ${src##*/} != 0000-* ]]; then
		a=$(author "$src")
		[[ -n $a ]] || die "$EX_TREE" "${src##*/} has no From: header"
		# Compared as git does: the whole 'Name <addr>'.
		if [[ $yours -eq 1 && $(ident_addr "$a") == "$PLACEHOLDER" ]]; then
			drop="<$PLACEHOLDER>"
		elif [[ "$(ident_name "$a") <$(ident_addr "$a")>" != "$sender_name <$sender_addr>" ]]; then
			inbody="From: $a"
		fi
		add_sob=$sob
	fi
	local before
	before=$(grep -c '^Signed-off-by: ' "$src" || true)
	[[ -z $drop ]] || before=$((before - $(grep -ciF "$drop" <(grep '^Signed-off-by: ' "$src") || true)))
	# FROM=: the copyright lines of the new files name the sender, not
	# the project.
	local copy=
	[[ $yours -ne 1 ]] || copy="$sender_name <$sender_addr>"
	awk -v hdr="$hdrs" -v from="From: $sender" -v inbody="$inbody" -v drop="$drop" \
		-v project="The Landlock TSYNC developers" \
		-v shortlog="$shortlog" -v sname="$sender_name" -v copy="$copy" \
		-v sob="$add_sob" -v addr="<$(tr '[:upper:]' '[:lower:]' <<<"$sender_addr")>" '
		# The message (msg[1..n], before the "---" line), with the
		# Signed-off-by added if asked and not there yet.
		function flush(   i, last, start, trailers) {
			if (sob == "" || signed) {
				for (i = 1; i <= n; i++) print msg[i]
				return
			}
			last = n
			while (last > 0 && msg[last] == "") last--
			# Is the last paragraph a block of trailers?
			start = last
			while (start > 1 && msg[start - 1] != "") start--
			trailers = last > 0
			for (i = start; i <= last; i++)
				if (msg[i] !~ /^[A-Za-z0-9-]+: / && msg[i] !~ /^[ \t]/) trailers = 0
			for (i = 1; i <= last; i++) print msg[i]
			if (!trailers) print ""
			print sob
			for (i = last + 1; i <= n; i++) print msg[i]
		}
		# The new files name the sender in their copyright lines.
		state == 2 && copy != "" && /^\+/ && index($0, "Copyright") &&
			(i = index($0, project)) {
			$0 = substr($0, 1, i - 1) copy substr($0, i + length(project))
		}
		state == 2 { print; next }
		state == 1 && /^---$/ { flush(); print; state = 2; next }
		state == 1 {
			# An in-body From: already in the file names the author.
			if (n == 0 && /^From: /) inbody = ""
			if (n == 0 && inbody != "") { msg[++n] = inbody; msg[++n] = "" }
			if (shortlog != "" && index($0, shortlog " (") == 1 && $0 ~ /\([0-9]+\):$/)
				$0 = sname substr($0, length(shortlog) + 1)
			# The Signed-off-by of the project identity: the sender signs instead.
			if (drop != "" && tolower($0) ~ /^signed-off-by: / && index(tolower($0), drop)) next
			if (tolower($0) ~ /^signed-off-by: / && index(tolower($0), addr)) signed = 1
			msg[++n] = $0
			next
		}
		/^$/ { print hdr; print; state = 1; next }
		/^(From|To|Cc):/ { skip = 1; if (/^From:/) print from; next }
		skip && /^[ \t]/ { next }
		{ skip = 0; print }
		END {
			if (state == 1) {
				if (sob != "") { print "no \"---\" line" > "/dev/stderr"; exit 3 }
				flush()
			}
		}
	' "$src" >"$dest" || die "$EX_TREE" "${src##*/}: cannot write its mail"
	if [[ -n $add_sob ]]; then
		if [[ $(grep -c '^Signed-off-by: ' "$dest") -gt $before ]]; then
			sob_added=$((sob_added + 1))
		else
			sob_had=$((sob_had + 1))
		fi
	fi
}

# hdrs TO CC: the To: and Cc: headers of the arrays named TO and CC.
hdrs() {
	local -n _to=$1 _cc=$2
	header To "${_to[@]}"
	[[ ${#_cc[@]} -eq 0 ]] || header Cc "${_cc[@]}"
}

# write_series OUT TO-HEADERS MAIL...: the mails of a series in OUT.
write_series() {
	local dir=$1 hdrs=$2 m
	shift 2
	mkdir -p "$dir"
	for m in "$@"; do
		write_mail "$m" "$dir/${m##*/}" "$hdrs"
	done
}

rm -rf "$out"
write_series "$out" "$(hdrs to cc)" "${mails[@]}"
if [[ ${#private[@]} -gt 0 ]]; then
	write_series "$out/private" "$(hdrs private_to private_cc)" "${private_mails[@]}"
fi
if [[ ${#man_patches[@]} -gt 0 ]]; then
	write_series "$man_out" "$(hdrs man_to man_cc)" "${man_mails[@]}"
fi

tmp=$(mktemp -d "$BUILD/mbox-am.XXXXXX")
trap 'rm -rf "$tmp" "${stage:-}"' EXIT

# check_am REPO WHAT OUT PATCH...: the mails in OUT of the patches PATCH...
# apply in order with git am in REPO, and every commit keeps its patch's
# author and has its Signed-off-by lines, plus the sender's with SIGNOFF=1
# (once).
check_am() {
	local repo=$1 what=$2 dir=$3 p m head want got n msg
	shift 3
	for p in "$@"; do
		m=$dir/${p##*/}
		head=$(git -C "$repo" rev-parse HEAD)
		if ! git -C "$repo" -c user.name=mbox -c user.email=mbox@localhost \
			am -q "$m" >"$tmp/am.log" 2>&1; then
			cat "$tmp/am.log" >&2
			die "$EX_TREE" "${m##*/} does not apply with git am onto $what"
		fi
		[[ $(git -C "$repo" rev-list --count "$head..HEAD") -eq 1 ]] ||
			die "$EX_TREE" "${m##*/}: git am did not make one commit"
		want=$(author "$p")
		if [[ $yours -eq 1 && $(ident_addr "$want") == "$PLACEHOLDER" ]]; then
			want=$sender
		fi
		want="$(ident_name "$want") <$(ident_addr "$want")>"
		got=$(git -C "$repo" log -1 --format='%an <%ae>')
		[[ $got == "$want" ]] ||
			die "$EX_TREE" "${m##*/}: applied with author '$got', not '$want'"
		# The patch's message, up to the "---" line (grep -q in a pipe
		# would break it under pipefail).
		msg=$(sed -n '/^---$/q; p' "$p")
		want=$(grep -c '^Signed-off-by: ' <<<"$msg" || true)
		if [[ $yours -eq 1 ]]; then
			want=$((want - $(grep '^Signed-off-by: ' <<<"$msg" | grep -ciF "<$PLACEHOLDER>" || true)))
		fi
		n=0
		if [[ -n $sob ]] && ! grep -qiF "<$sender_addr>" <<<"$msg"; then
			n=1
		fi
		got=$(git -C "$repo" log -1 --format=%B | grep -c '^Signed-off-by: ' || true)
		[[ $got -eq $((want + n)) ]] ||
			die "$EX_TREE" "${m##*/}: applied with $got Signed-off-by, expected $((want + n))"
		if [[ -n $sob ]] && [[ $(git -C "$repo" log -1 --format=%B | grep -ciF "<$sender_addr>") -ne 1 ]]; then
			die "$EX_TREE" "${m##*/}: applied without exactly one Signed-off-by of $sender_addr"
		fi
	done
}

# Every kernel mail must apply in order onto the base tag. A sparse clone
# holding only the files the series touches keeps this fast.
mapfile -t paths < <(sed -n 's|^diff --git a/\(.*\) b/\(.*\)$|/\1\n/\2|p' "${patches[@]}" | sort -u)
git clone -q --shared --no-checkout "$LINUX" "$tmp/linux"
git -C "$tmp/linux" sparse-checkout set --no-cone "${paths[@]}"
git -C "$tmp/linux" checkout -q --detach "$base"
# shortlog COVER FROM: the cover letter's @@SHORTLOG@@ line becomes the
# shortlog and diffstat of the commits FROM..HEAD of the scratch tree, as
# git format-patch writes them.
shortlog() {
	local cover=$1 from=$2
	{
		sed '/^@@SHORTLOG@@$/,$d' "$cover"
		git -C "$tmp/linux" shortlog --no-merges -w72,2,4 "$from..HEAD"
		git -C "$tmp/linux" diff --stat=72 "$from..HEAD"
		echo
	} >"$cover.new"
	mv "$cover.new" "$cover"
}
public_base=$base
if [[ ${#private[@]} -gt 0 ]]; then
	check_am "$tmp/linux" "$BASE_TAG" "$out/private" "${private[@]}"
	shortlog "$out/private/0000-cover-letter.patch" "$base"
	info "the ${#private[@]} private patch(es) apply with git am onto $BASE_TAG, authors kept (${out#"$TOP"/}/private/)"
	public_base=$(git -C "$tmp/linux" rev-parse HEAD)
fi
check_am "$tmp/linux" "$BASE_TAG" "$out" "${patches[@]}"
if [[ ${#private[@]} -gt 0 ]]; then
	shortlog "$out/0000-cover-letter.patch" "$public_base"
	info "the ${#patches[@]} public patch(es) apply with git am on top of them, authors kept"
else
	info "all ${#patches[@]} patch(es) apply with git am onto $BASE_TAG (${base:0:12}), authors kept"
fi
if [[ $(git -C "$tmp/linux" rev-parse 'HEAD^{tree}') != $(git -C "$LINUX" rev-parse 'HEAD^{tree}') ]]; then
	warn "the series does not give build/linux's HEAD tree; run 'make export' if patches/ is stale"
fi
if [[ ${#man_patches[@]} -gt 0 ]]; then
	manpages_tree "$tmp/man-pages"
	check_am "$tmp/man-pages" "Debian's $MANPAGE (man-pages 6.03)" "$man_out" "${man_patches[@]}"
	info "all ${#man_patches[@]} man-pages patch(es) apply with git am onto Debian's $MANPAGE, authors kept"
fi

# What git send-email would send, and how to send it. The mails go to their
# To:/Cc: headers and nobody else: no Cc taken from the author, the sender
# or the body's trailers (the project's identity is not a mailbox).
send_opts=(--from="$sender" --suppress-cc=author --suppress-cc=self --suppress-cc=body
	--no-to --no-cc --no-bcc --8bit-encoding=UTF-8)

# dry_run DIR TO... -- CC...: git send-email --dry-run on the mails in DIR.
# --dry-run sends nothing; the command-line options override any sendemail.*
# configuration, and the SMTP server is /bin/false should anything ever try
# to send.
dry_run() {
	local dir=$1 log=$1/send-email-dry-run.log n sent a want
	shift
	local -a rcpt=()
	while [[ $1 != -- ]]; do
		rcpt+=("$1")
		shift
	done
	shift
	rcpt+=("$@")
	n=$(mails "$dir" | grep -c . || true)
	# git send-email wants a committer identity (for its Message-Ids) even
	# with --from: a machine with no git identity gets a placeholder, which
	# a dry run only puts in Message-Ids.
	local -a ident=()
	git var GIT_COMMITTER_IDENT >/dev/null 2>&1 ||
		ident=(-c user.name=mbox -c user.email=mbox@localhost)
	git "${ident[@]}" send-email --dry-run --confirm=never --smtp-server=/bin/false \
		"${send_opts[@]}" --no-format-patch --no-validate \
		"$dir"/[0-9][0-9][0-9][0-9]-*.patch </dev/null >"$log" 2>&1 ||
		die "$EX_TREE" "git send-email --dry-run failed (see $log)"
	sent=$(grep -c '^Dry-OK\.' "$log" || true)
	[[ $sent -eq $n ]] ||
		die "$EX_TREE" "git send-email --dry-run handled $sent of $n mail(s) (see $log)"
	# Each mail goes to exactly the To:/Cc: of the files, from the sender.
	want=$(for a in "${rcpt[@]}"; do ident_addr "$a"; echo; done | sort -u | paste -sd' ')
	while read -r a; do
		a=$(tr ' ' '\n' <<<"$a" | sort -u | paste -sd' ')
		[[ $a == "$want" ]] ||
			die "$EX_TREE" "git send-email --dry-run would send to '$a', not to '$want' (see $log)"
	done < <(sed -n 's/^Sendmail: [^ ]* -i //p' "$log")
	[[ $(grep -c '^Sendmail: ' "$log") -eq $n ]] ||
		die "$EX_TREE" "git send-email --dry-run: $n mail(s), $(grep -c '^Sendmail: ' "$log") Sendmail: line(s) (see $log)"
	if [[ $(grep -c '^From: ' "$log") -ne $n || $(grep '^From: ' "$log" | grep -cvF "<$sender_addr>") -ne 0 ]]; then
		die "$EX_TREE" "git send-email --dry-run has a mail not from $sender (see $log)"
	fi
	echo "git send-email --dry-run would send $n mail(s) (full log: ${log#"$TOP"/}):"
	printf '  From: %s\n' "$sender"
	sed -n 's/^Subject: /  /p' "$log"
}

dry_run "$out" "${to[@]}" -- "${cc[@]}"
header '  To' "${to[@]}"
[[ ${#cc[@]} -eq 0 ]] || header '  Cc' "${cc[@]}"
total=${#mails[@]}
if [[ ${#private[@]} -gt 0 ]]; then
	echo "Privately first (${report#"$TOP"/}), never to a list:"
	dry_run "$out/private" "${private_to[@]}" -- "${private_cc[@]}"
	header '  To' "${private_to[@]}"
	[[ ${#private_cc[@]} -eq 0 ]] || header '  Cc' "${private_cc[@]}"
	total=$((total + ${#private_mails[@]}))
fi
if [[ ${#man_patches[@]} -gt 0 ]]; then
	dry_run "$man_out" "${man_to[@]}" -- "${man_cc[@]}"
	header '  To' "${man_to[@]}"
	[[ ${#man_cc[@]} -eq 0 ]] || header '  Cc' "${man_cc[@]}"
	total=$((total + ${#man_mails[@]}))
fi

added=
if [[ -n $sob ]]; then
	added=", '$sob' added to $sob_added patch(es)"
	[[ $sob_had -eq 0 ]] || added+=" ($sob_had had one from $sender_addr)"
elif [[ -n ${FROM:-} ]]; then
	added=", no Signed-off-by added (SIGNOFF=1 adds the sender's)"
fi
if [[ -n ${FROM:-} ]]; then
	q="'${sender//\'/\'\\\'\'}'"
	echo "To send them: git send-email ${send_opts[*]/#--from=*/--from=$q} ${out#"$TOP"/}/0*.patch"
	[[ ${#man_patches[@]} -eq 0 ]] ||
		echo "         and: git send-email ${send_opts[*]/#--from=*/--from=$q} ${man_out#"$TOP"/}/0*.patch"
else
	echo "To send them as yourself: make mbox FROM='Your Name <you@example.org>' (SIGNOFF=1 to add your Signed-off-by)"
fi
done_step "$total mail(s) from $sender in ${out#"$TOP"/}$added; nothing was sent"
# The last line: whether the mails can be posted as they are.
if [[ $yours -eq 1 ]]; then
	info "ready to post: from, authored and signed off by $sender_name <$sender_addr>"
elif [[ -z ${FROM:-} ]]; then
	info "NOT ready to post: the patches are from the project's identity <$PLACEHOLDER>, which is not a mailbox and cannot certify the DCO; make mbox FROM='Your Name <you@example.org>' SIGNOFF=1 makes them yours"
else
	info "NOT ready to post: no Signed-off-by of $sender_addr (the DCO is certified by the sender's own); add SIGNOFF=1"
fi
