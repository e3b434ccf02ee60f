// SPDX-License-Identifier: GPL-2.0

//go:build golandlock

package main

import (
	"github.com/landlock-lsm/go-landlock/landlock"
)

// tsyncLibrary: the panel's TSYNC side goes through go-landlock (make run
// builds it with Debian sid's Go 1.26 and golang-github-landlock-lsm-
// go-landlock-dev, -tags golandlock). On ABI 8 and later, go-landlock's
// Config.Restrict() sets no_new_privs on the calling thread and makes one
// landlock_restrict_self() call with LANDLOCK_RESTRICT_SELF_TSYNC.
const tsyncLibrary = "go-landlock 0.9.0"

// tsyncRestrict sandboxes every thread of the process with the demo's
// ruleset (no rule: what attr handles is denied), through go-landlock. It
// creates its own ruleset and sets no_new_privs itself.
func tsyncRestrict(attr rulesetAttr) error {
	cfg, err := landlock.NewConfig(landlock.AccessFSSet(attr.handledAccessFS),
		landlock.ScopedSet(attr.scoped))
	if err != nil {
		return err
	}
	return cfg.Restrict()
}
