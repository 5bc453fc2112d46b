// SPDX-License-Identifier: GPL-2.0
/* Buffers for the disk, and the plain files on the other side of them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli.h"

/* A page meets the DMA alignment of any disk we know of. */
#define IO_BUFFER_ALIGN		4096
#define READ_ALL_FIRST_SIZE	(1024 * 1024)

void *alloc_io_buffer(size_t len, uint32_t dma_alignment)
{
	size_t align = IO_BUFFER_ALIGN;
	void *buf;

	while (align < dma_alignment)
		align <<= 1;
	if (posix_memalign(&buf, align, len ? len : 1))
		return NULL;
	return buf;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* The input's size if it tells, so that a file is read in one buffer. */
static size_t read_all_first_size(int fd)
{
	struct stat st;

	/* One byte more, so that end of file shows without growing. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		return st.st_size + 1;
	return READ_ALL_FIRST_SIZE;
}

/* Move into a buffer twice as large, still aligned for the disk. */
static int grow_io_buffer(void **buf, size_t *size, size_t used,
			  uint32_t dma_alignment)
{
	size_t new_size = *size * 2;
	void *bigger;

	if (new_size < *size)
		return -ENOMEM;
	bigger = alloc_io_buffer(new_size, dma_alignment);
	if (!bigger)
		return -ENOMEM;
	memcpy(bigger, *buf, used);
	free(*buf);
	*buf = bigger;
	*size = new_size;
	return 0;
}

int read_all(int fd, void **bufp, size_t *lenp, uint32_t dma_alignment)
{
	size_t size = read_all_first_size(fd), len = 0;
	void *buf = alloc_io_buffer(size, dma_alignment);
	int ret;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == size) {
			ret = grow_io_buffer(&buf, &size, len, dma_alignment);
			if (ret)
				goto fail;
		}
		n = read(fd, (char *)buf + len, size - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		if (!n)
			break;
		len += n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	free(buf);
	return ret;
}

/* The whole input, in a buffer aligned for the disk. */
int read_input(const char *path, uint32_t dma_alignment, void **buf,
		      size_t *len)
{
	const char *name = path ? path : "stdin";
	int fd = STDIN_FILENO, ret;

	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			report_errno(errno, "%s: cannot open", name);
			return CLI_EXIT_FAILED;
		}
	}
	ret = read_all(fd, buf, len, dma_alignment);
	if (path)
		close(fd);
	if (ret) {
		report_errno(ret, "%s: read", name);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
