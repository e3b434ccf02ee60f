// SPDX-License-Identifier: GPL-2.0

//go:build !golandlock

package main

// tsyncLibrary is empty: the TSYNC side makes the system call itself
// (restrictSelf), as make bench's Go method does.
const tsyncLibrary = ""

func tsyncRestrict(attr rulesetAttr) error {
	panic("tsyncRestrict: built without -tags golandlock")
}
