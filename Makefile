# Landlock TSYNC for Linux 6.12: build, boot and test the series in QEMU.
# Every step is a small script under scripts/ that can also run alone.
#
#   make run      boot the patched kernel and show TSYNC at work
#   make test     run every Landlock kselftest in the guest
#                 (ARCH=um: in User-Mode Linux, hostfs variants included;
#                 ARCH=arm64: in qemu-system-aarch64, cross-built)
#   make help     everything else

SHELL := /bin/bash
S := scripts
FLAVOUR ?= test
export BASE TESTS REPEAT TEST_TIMEOUT TIMEOUT MEM ACCEL APPEND FROM SIGNOFF UNFIXED

# The options are checked on the host (scripts/options.sh) as soon as make
# reads its goals: before any prerequisite builds or boots, with -n or -j
# too. Make 4.3's $(shell) does not see command-line variables: they are
# passed explicitly, shell-quoted.
OPTION_GOALS := config build initramfs run boot-info test exec shell stress mutant bench phases mbox clients
OPTIONS := BASE ARCH FLAVOUR TESTS REPEAT TEST_TIMEOUT TIMEOUT MEM ACCEL PROG MUTANT \
	MUTANT_FLAVOUR SUITE STRESS_ITER STRESS_TIME SWEEP_TIME FROM SIGNOFF UNFIXED
# ARCH= (x86_64, um or arm64) and BASE= (6.12 or mainline) are checked
# against every goal.
CHECK_GOALS := $(if $(ARCH)$(BASE),$(or $(MAKECMDGOALS),help),$(filter $(OPTION_GOALS),$(MAKECMDGOALS)))
ifneq ($(CHECK_GOALS),)
shq = '$(subst ','\'',$(1))'
ifneq ($(shell $(foreach v,$(OPTIONS),$(v)=$(call shq,$($(v)))) \
	FLAVOUR_ORIGIN=$(call shq,$(origin FLAVOUR)) \
	$(S)/options.sh $(CHECK_GOALS) >&2 && echo ok),ok)
$(error invalid option(s), see above)
endif
endif

.PHONY: help deps fetch tree config build initramfs run test exec shell boot-info clients \
	stress mutant bench phases check bisect export mbox clean distclean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## make run                 boot the patched kernel and show the TSYNC demo
## make test                run the Landlock kselftests (TESTS="a b" REPEAT=N)
## make test ARCH=um        the same in User-Mode Linux, hostfs variants included
## make test ARCH=arm64     the same on arm64 (cross-built, qemu-system-aarch64)
## make shell               a shell in the patched kernel: the host's / read-only, a tmpfs overlay
## make exec PROG=f ARGS=.. run your own program in the guest as root (any host program;
##                          ARCH=arm64: a static arm64 program)
## make build|test|exec|bench BASE=mainline UNFIXED=1
##                          the same on unfixed 7.3 (the base kernel), with the
##                          series' selftests and tools: each new test must fail there
## make clients             real clients, from Debian sid's packages: the landlock crate's
##                          tests, go-landlock's tests, landrun (make clients BASE=mainline
##                          [UNFIXED=1]: on 7.3); make mutant MUTANT=tsync-noop SUITE=clients:
##                          with TSYNC broken, their TSYNC tests must fail
## make stress              debug kernel: selftests, stress suite, fault sweep
##                          (FLAVOUR=kcsan: the same on the KCSAN kernel)
## make mutant MUTANT=NAME  break the series on purpose: its suite must fail (NAME|all)
##                          (BASE=mainline: tools/stress/mutants/mainline/)
## make bench               TSYNC against libpsx, CSV + table + plot in build/bench
## make phases              where a TSYNC call's time goes: each phase, both guest idle modes
## make check               checkpatch, kernel-doc, sparse, W=1, coccicheck, shellcheck,
##                          the man-pages series on Debian's page (groff, mandoc),
##                          then make bisect
## make bisect              every prefix of the series: build, boot base_test (+ tsync_test)
## make export              write build/linux's commits back to patches/
## make mbox                mail files for git send-email (nothing is sent), both series
##                          (FROM='Name <addr>': as that sender; SIGNOFF=1: + their sign-off)
## make deps|fetch|tree|config|build|initramfs   one step each (FLAVOUR=test|debug|kcsan;
##                          ARCH=um: deps, config and build of the UML kernel;
##                          ARCH=arm64: of the arm64 kernel, and its initramfs)

# deps.sh installs what a goal needs (make check: the arm64 cross compiler).
deps:
	@$(S)/deps.sh $(MAKECMDGOALS)
fetch: deps
	@$(S)/fetch.sh
tree: fetch
	@$(S)/tree.sh
config: tree
	@$(S)/config.sh $(FLAVOUR)
build: config
	@$(S)/build.sh $(FLAVOUR)
	@$(if $(filter 1,$(UNFIXED)),$(S)/config.sh base && $(S)/build.sh base)
initramfs: build
	@$(S)/initramfs.sh $(FLAVOUR)

# make run's Go panel: tools/go/tsync with go-landlock (Debian sid's Go and
# go-landlock, as make clients fetches them), in an initramfs of its own.
run: initramfs
	@$(S)/clients.sh $(FLAVOUR) panel
	@$(S)/boot.sh $(FLAVOUR) run "$${BUILD_ROOT:-build}/clients/panel.cpio.gz"
boot-info: initramfs
	@$(S)/boot.sh $(FLAVOUR) info
# User-Mode Linux boots from a host directory, not from an initramfs.
test: $(if $(filter um,$(ARCH)),build,initramfs)
	@$(S)/test.sh $(FLAVOUR)
exec: initramfs
	@$(S)/exec.sh $(FLAVOUR) "$(PROG)" "$(ARGS)"
shell: initramfs
	@$(S)/boot.sh $(FLAVOUR) shell
clients: initramfs
	@$(S)/clients.sh $(FLAVOUR)
STRESS_FLAVOUR := $(if $(filter kcsan,$(FLAVOUR)),kcsan,debug)
stress:
	@$(MAKE) --no-print-directory FLAVOUR=$(STRESS_FLAVOUR) initramfs
	@$(S)/stress.sh $(STRESS_FLAVOUR)
mutant: tree
	@MUTANT=$(MUTANT) SUITE=$(SUITE) FLAVOUR=$(MUTANT_FLAVOUR) $(S)/mutant.sh
bench: initramfs
	@$(MAKE) --no-print-directory FLAVOUR=base initramfs
	@$(S)/bench.sh
phases: tree
	@PHASES_N=$(PHASES_N) PHASES_REPS=$(PHASES_REPS) $(S)/phases.sh
# BASE=mainline: no make bisect (each prefix is a build and a boot).
check: tree
	@$(S)/config.sh test
	@$(S)/check.sh
	@$(if $(filter mainline,$(BASE)),echo "[bisect   ] BASE=mainline: not run (make bisect BASE=mainline runs it)",$(S)/bisect.sh)
bisect: tree
	@$(S)/bisect.sh
export:
	@$(S)/export.sh
mbox: tree
	@$(S)/mbox.sh

clean:
	rm -rf build/obj-* build/tools-* build/initramfs-* build/logs
distclean:
	rm -rf build
