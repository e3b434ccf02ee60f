module landlock-tsync/tools/go/tsync

go 1.19
