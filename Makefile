# SPDX-License-Identifier: GPL-2.0
# urpt: io_uring passthrough for any block disk.
#
#   make                 module (against KDIR), liburpt and the urpt CLI
#   make demo            install what is missing, boot the VM, scripted CLI session
#   make check           host unit tests + the selftest suite in the VM
#   make check KERNELS="6.1 6.12-bpo 6.12 newest"
#                        the same, once per kernel (selftests/vm/matrix.sh)
#   make debug-kernel    build (once, cached) the KASAN/lockdep/kmemleak kernel:
#                        docs/debug-kernel.md (~7 min the first time)
#   make check-debug     the selftest suite in the VM on that kernel (builds it first)
#   make durability      kill the VM mid-write, check every acknowledged durable
#                        write on the image: docs/durability.md (~2 min)
#   make bench           urpt bench in the VM (one vCPU, qemu -icount): docs/perf.md
#   make unit            host unit tests only (no kernel needed)
#   make install         urpt.ko into /lib/modules/$(KVER)/updates (then depmod),
#                        liburpt, headers, pkg-config file, urpt, urpt(1) and the
#                        udev rule under PREFIX (/usr/local); DESTDIR honoured
#   make uninstall       removes what make install put there (same variables)
#   make install-user    all of it but urpt.ko (with DKMS); install-module the rest

# The kernel to build for and install into; KDIR follows KVER.
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

PREFIX		?= /usr/local
# Outside PREFIX: the kernel looks for modules only here.
MODDIR		?= /lib/modules/$(KVER)/updates
# Under PREFIX: udevd reads /usr/local/lib/udev/rules.d as well as
# /usr/lib/udev/rules.d, so a local install stays out of the package
# manager's /lib and a package (PREFIX=/usr) lands where Debian puts rules.
UDEVRULESDIR	?= $(PREFIX)/lib/udev/rules.d
# modinfo and depmod live in /sbin, which is not in every user's PATH.
SBIN_PATH	:= PATH="$$PATH:/sbin:/usr/sbin"

.PHONY: all module user selftests unit check demo bench deps clean durability \
	debug-kernel check-debug \
	install install-module install-user uninstall uninstall-module uninstall-user

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

# The debug kernel (KASAN, lockdep, kmemleak) from linux-source-6.1, cached
# under .cache/debug-kernel/; check-debug runs the whole suite on it.
debug-kernel:
	selftests/vm/debugkernel.sh build

check-debug: debug-kernel
	URPT_KVER=debug selftests/vm/check.sh

bench:
	selftests/vm/bench.sh

durability:
	selftests/vm/durability.sh

# install-module: urpt.ko only (what DKMS does instead); install-user:
# the rest. A module built for another kernel than KVER (KDIR given on its
# own) is refused rather than installed where that kernel never loads it.
# depmod runs only for a live install: with DESTDIR, packaging does it.
install: install-module install-user

install-module: module
	@v=$$($(SBIN_PATH) modinfo -F vermagic kernel/urpt.ko) && case "$$v" in \
	"$(KVER) "*) ;; \
	*) echo "kernel/urpt.ko is for '$$v', not KVER=$(KVER): set KVER (KDIR follows)" >&2; exit 1;; \
	esac
	install -D -m 0644 kernel/urpt.ko $(DESTDIR)$(MODDIR)/urpt.ko
	$(if $(DESTDIR),,$(SBIN_PATH) depmod -a $(KVER))

install-user: user
	$(MAKE) -C user install PREFIX=$(PREFIX)
	install -D -m 0644 udev/60-urpt.rules $(DESTDIR)$(UDEVRULESDIR)/60-urpt.rules

uninstall: uninstall-module uninstall-user

uninstall-module:
	$(RM) $(DESTDIR)$(MODDIR)/urpt.ko
	$(if $(DESTDIR),,$(SBIN_PATH) depmod -a $(KVER))

uninstall-user:
	$(MAKE) -C user uninstall PREFIX=$(PREFIX)
	$(RM) $(DESTDIR)$(UDEVRULESDIR)/60-urpt.rules

clean:
	$(MAKE) -C kernel KDIR=$(KDIR) clean
	$(MAKE) -C user clean
	$(MAKE) -C selftests clean
