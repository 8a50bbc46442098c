/*
 * smallfs.h (tests) - a small file system that a test can fill to the last
 * byte, for what a full disk does to motcua.  A tmpfs mounted in a mount
 * namespace of the test process: its children (motcua serve) see it,
 * nobody else does, and it goes away with them.
 */
#ifndef MC_TEST_SMALLFS_H
#define MC_TEST_SMALLFS_H

#include <stddef.h>

/* Mount a tmpfs of bytes on a new folder (its path in dir).  Call before
 * any thread starts.  Returns -1, having said why on stderr, when this
 * process may not (not root, or a container without CAP_SYS_ADMIN): the
 * test is then skipped. */
int mc_test_smallfs_mount(char *dir, size_t n, size_t bytes);
/* Copy a file (a closed SQLite database) into dir under name; the new path
 * goes to out. */
void mc_test_smallfs_copy(const char *from, const char *dir, const char *name, char *out, size_t n);
/* Take every free byte (a file "filler" in dir), or give them back. */
void mc_test_smallfs_fill(const char *dir);
void mc_test_smallfs_unfill(const char *dir);
/* Remove the files in dir, unmount and remove it. */
void mc_test_smallfs_release(const char *dir);

#endif
