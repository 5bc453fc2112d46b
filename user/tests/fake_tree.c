// SPDX-License-Identifier: GPL-2.0
/* A tree of files made up for a test, in a temporary directory. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "fake_tree.h"

/* path (PATH_MAX bytes) = root/rel. */
static bool tree_path(char *path, const char *root, const char *rel)
{
	int len = snprintf(path, PATH_MAX, "%s/%s", root, rel);

	if (len < 0 || len >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return false;
	}
	return true;
}

bool fake_tree_create(char *root, size_t size, const char *name)
{
	int len = snprintf(root, size, "/tmp/%s.XXXXXX", name);

	if (len < 0 || (size_t)len >= size) {
		if (size)
			root[0] = '\0';
		errno = ENAMETOOLONG;
		return false;
	}
	if (!mkdtemp(root)) {
		root[0] = '\0';
		return false;
	}
	return true;
}

bool fake_tree_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX], *p;

	if (!tree_path(path, root, rel))
		return false;
	for (p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return false;
		*p = '/';
	}
	return !mkdir(path, 0755) || errno == EEXIST;
}

bool fake_tree_write(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	bool ok;

	if (!tree_path(path, root, rel))
		return false;
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return !fclose(f) && ok;
}

bool fake_tree_symlink(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	if (!tree_path(path, root, rel))
		return false;
	unlink(path);
	return !symlink(target, path);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

void fake_tree_remove(const char *root)
{
	if (root[0])
		nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
