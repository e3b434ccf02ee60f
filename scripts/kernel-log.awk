# Tell apart, in a serial console log, the stack traces that fault injection
# prints on request (fail_dump() with verbose=2, as make stress sets it to
# locate each injected failure) from the stack traces of kernel reports.
# Such a trace's first reliable frames are the stack dumper's
# (dump_stack_lvl(), and dump_stack() or fail_dump() unless inlined), then
# should_fail_ex(); it starts at its "CPU: ... Comm:" header (or at "Call
# Trace:") and ends at "</TASK>".
#
#   awk -v mode=scan -f kernel-log.awk LOG
#       every line as "NR:line", but for the "Call Trace:" line of those
#       traces: the input of the report scan (boot.sh)
#   awk -v mode=display -f kernel-log.awk
#       every line but those traces, unbuffered: the live console output
#
# Lines of user space (no "[ seconds]" prefix) are never held back.

function out(nr, line) {
	if (mode == "scan") {
		print nr ":" line
	} else {
		print line
		fflush()
	}
}

# Decide on the held trace: a fault-injection dump, or anything else.
function decide(fi,    i) {
	for (i = 1; i <= nheld; i++) {
		if (fi && (mode == "display" || held[i] ~ /Call Trace:/))
			continue
		out(heldnr[i], held[i])
	}
	nheld = 0
	nframes = 0
	dropping = fi && mode == "display"
}

{
	kernel = $0 ~ /^\[ *[0-9]+\.[0-9]+\]/
	text = $0
	sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "", text)
}

!kernel {
	out(NR, $0)
	next
}

dropping {
	if (text ~ /<\/TASK>/)
		dropping = 0
	if (mode == "scan")
		out(NR, $0)
	next
}

text ~ /^CPU: [0-9]+ UID: [0-9]+ PID: [0-9]+ Comm: / ||
(text ~ /Call Trace:/ && !nheld) {
	if (nheld)
		decide(0)
	held[++nheld] = $0
	heldnr[nheld] = NR
	next
}

nheld {
	held[++nheld] = $0
	heldnr[nheld] = NR
	frame = text
	sub(/^ +/, "", frame)
	if (frame ~ /^[a-zA-Z_][a-zA-Z0-9_.]*\+0x/) {
		# The trace's first reliable frames are the stack dumper's
		# (which of dump_stack(), fail_dump() ... show up depends on
		# inlining), then should_fail_ex(): decide at the first frame
		# that is not the dumper's.
		nframes++
		if (frame !~ /^(dump_stack|dump_stack_lvl|show_stack|fail_dump)\+/)
			decide(nframes > 1 && frame ~ /^should_fail_ex\+/)
	} else if (frame ~ /^<\/(TASK|IRQ)>/ || nheld > 200) {
		decide(0)
	}
	next
}

{
	out(NR, $0)
}

END {
	if (nheld)
		decide(0)
}
