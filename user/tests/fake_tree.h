/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tree of files made up for a test (a fake sysfs, mostly) in a
 * temporary directory. Every function takes the tree's root and a path
 * relative to it; each returns false, with errno set, if it failed.
 */
#ifndef URPT_TESTS_FAKE_TREE_H
#define URPT_TESTS_FAKE_TREE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Make a new, empty directory /tmp/NAME.XXXXXX and put its path in root
 * (size bytes); on failure root is "" (which fake_tree_remove() ignores).
 */
bool fake_tree_create(char *root, size_t size, const char *name);
/* mkdir -p root/rel; root itself is to exist already. */
bool fake_tree_mkdirs(const char *root, const char *rel);
/* root/rel, a regular file, holds text and nothing else. */
bool fake_tree_write(const char *root, const char *rel, const char *text);
/* root/rel is a symbolic link to target (replacing what was there). */
bool fake_tree_symlink(const char *root, const char *rel, const char *target);
/* rm -rf root, if root is not "". */
void fake_tree_remove(const char *root);

#endif
