//go:build unix

package xlsx

import (
	"io/fs"
	"syscall"
)

// ownerOf reads the owner of a file from its FileInfo (on systems that have them).
func ownerOf(info fs.FileInfo) owner {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return owner{}
	}
	return owner{uid: st.Uid, gid: st.Gid, nlink: uint64(st.Nlink), ino: uint64(st.Ino), dev: uint64(st.Dev), known: true}
}
