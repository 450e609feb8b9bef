# SPDX-License-Identifier: GPL-2.0
#
# npt6: out-of-tree kernel module plus the nptctl tool.
#
#   make                 build npt6.ko and nptctl
#   make KDIR=/path      build the module against another kernel tree
#   make demo            boot Debian's kernel in QEMU and run the Starlink demo
#   make check           every test (installs what it needs)
#   make check-debug     KUnit and every packet selftest on a KASAN, lockdep
#                        and kmemleak kernel built from linux-source-6.1
#                        (cached; `make check` runs the hostile-input part)
#   make check-pkg       the packages on a fresh Debian 12 disk in QEMU: install,
#                        reboot, translate and tunnel; kernel upgrade
#   make check-compat    build npt6.ko with W=1 against Debian's 5.10, 6.1, 6.12,
#                        sid and experimental headers in cached debootstrap
#                        chroots (needs root and the Debian mirror)
#   make lint            checkpatch --strict, sparse (C=2) and W=1
#   make dkms-install    install the module through DKMS, as users do
#   make deb             build the npt6-dkms and nptctl Debian packages
#                        (out/deb/; tools/debian/build-debs.sh)
#   make stress          test_stress.sh under -icount: churn and lifecycle
#                        rates in guest time (out/stress.log)
#   make bench           virtual-pps benchmark in QEMU (out/bench/results.md;
#                        BENCH_ARGS="--no-install --rounds N" to tune)
#   make callgraph       where the tunnel's instructions go, by function
#                        (out/bench/callgraph.md; CALLGRAPH_ARGS="--ko X")
#
# The module itself is described by ./Kbuild; this file only drives it.

VERSION := $(shell sed -n 's/^\#define NPT6_VERSION "\(.*\)"$$/\1/p' kmod/version.h)

# The running kernel's headers if they exist, else the newest installed
# ones: build hosts often run a kernel that has no headers package.
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
		    $(lastword $(sort $(wildcard /lib/modules/*/build))))

PREFIX ?= /usr
DESTDIR ?=

.PHONY: all module nptctl clean install demo check check-kunit check-nptctl \
	check-vm check-debug bench callgraph stress lint checkpatch sparse w1 deps dkms-install dkms-remove \
	deb check-pkg check-compat

all: module nptctl

module:
	@test -n "$(KDIR)" || { echo "No kernel headers found: install linux-headers-$(KVER) or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

nptctl:
	$(MAKE) -C tools/nptctl

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/nptctl clean

install: nptctl
	$(MAKE) -C tools/nptctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

deps:
	selftests/lib/deps.sh

deb:
	tools/debian/build-debs.sh

demo:
	selftests/demo.sh

bench:
	selftests/bench/run.sh $(BENCH_ARGS)

callgraph:
	selftests/bench/callgraph.sh $(CALLGRAPH_ARGS)

stress:
	selftests/bench/stress.sh

check:
	selftests/run-all.sh

check-nptctl:
	selftests/run-all.sh nptctl

check-kunit:
	selftests/run-all.sh kunit

check-vm:
	selftests/run-all.sh vm

check-debug:
	selftests/run-all.sh debug-full

check-pkg:
	selftests/run-all.sh pkg

check-compat:
	selftests/compat/run.sh $(COMPAT_SUITES)

lint: checkpatch sparse w1

checkpatch:
	selftests/lib/lint.sh checkpatch

sparse:
	selftests/lib/lint.sh sparse

w1:
	selftests/lib/lint.sh w1

# The user's install path.  The source tree is copied under /usr/src as
# DKMS expects; dkms.conf reads the version from kmod/version.h.
dkms-install:
	rm -rf /usr/src/npt6-$(VERSION)
	mkdir -p /usr/src/npt6-$(VERSION)
	cp -r Kbuild Makefile dkms.conf kmod uapi /usr/src/npt6-$(VERSION)/
	-dkms remove -m npt6 -v $(VERSION) --all >/dev/null 2>&1
	dkms add -m npt6 -v $(VERSION)
	dkms install -m npt6 -v $(VERSION) $(if $(DKMS_KVER),-k $(DKMS_KVER))

dkms-remove:
	-dkms remove -m npt6 -v $(VERSION) --all
	rm -rf /usr/src/npt6-$(VERSION)
