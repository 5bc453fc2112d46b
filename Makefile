# SPDX-License-Identifier: GPL-2.0
# urpt: io_uring passthrough for any block disk.
#
#   make                 module (against KDIR), liburpt and the urpt CLI
#   make demo            install what is missing, boot the VM, scripted CLI session
#   make check           host unit tests + the selftest suite in the VM
#   make check KERNELS="6.1 6.12 newest"
#                        the same, once per kernel (selftests/vm/matrix.sh)
#   make bench           urpt bench in the VM (one vCPU, qemu -icount): docs/perf.md
#   make unit            host unit tests only (no kernel needed)
#   make install         library, headers, pkg-config file and CLI (PREFIX=/usr/local)

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all module user selftests unit check demo bench deps clean install

all: module user

module:
	$(MAKE) -C kernel KDIR=$(KDIR)

user:
	$(MAKE) -C user

selftests: user
	$(MAKE) -C selftests

unit: user
	$(MAKE) -C user unit

deps:
	selftests/vm/deps.sh

# KERNELS empty (the default): bookworm's 6.1 only, as always.
KERNELS ?=

check:
	$(if $(strip $(KERNELS)),selftests/vm/matrix.sh $(KERNELS),selftests/vm/check.sh)

demo:
	selftests/vm/demo.sh

bench:
	selftests/vm/bench.sh

install: user
	$(MAKE) -C user install

clean:
	$(MAKE) -C kernel KDIR=$(KDIR) clean
	$(MAKE) -C user clean
	$(MAKE) -C selftests clean
