#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything, boot a Debian 6.1 guest (QEMU, TCG) and walk
# through what cimrepl does today on the embedded default: brd RAM disks as
# backing devices, LIO block backstores, tcm_loop LUNs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/setup.sh
make -s all
kver=${DEMO_KERNEL:-6.1}
exec scripts/vm-run --kernel "$kver" --timeout 600 -- scripts/demo-guest.sh
