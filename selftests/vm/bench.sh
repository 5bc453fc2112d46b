#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot the VM with one vCPU under qemu -icount, run `urpt
# bench` and fio in the guest (guest/bench.sh) on two null_blk disks
# (memory_backed=1 and 0) and /dev/nvme0n1 for each workload through each
# path, and print one table per disk: IOPS, latency and the ratio to
# "block plain" (O_DIRECT io_uring, no fixed buffers, no polling). The
# tables and their plots (gnuplot, SVG) also go into docs/perf.md, between
# its markers, with the command, date, kernel and qemu mode.
#
# Under -icount the guest's clock counts instructions (shift=0: one
# nanosecond each), so IOPS and latencies measure the software path's cost
# in guest instructions, independent of the host's load; one vCPU because
# icount cannot run vCPUs in parallel threads. sleep=on: while the guest
# idles (waiting for qemu's NVMe model, which runs in host time) its clock
# follows the host's; with sleep=off it jumps to the next timer instead, NVMe
# completions then wait for timer ticks (4 ms) and most NVMe runs never
# finish. null_blk never idles, so its figures are instruction counts
# either way.
#
# Environment: URPT_BENCH_ICOUNT (qemu -icount value, default
# "shift=0,align=off,sleep=on"; "none" boots without icount),
# URPT_BENCH_IOS (4 KiB runs, default 4000), URPT_BENCH_IOS_BIG (128 KiB
# runs, default 1000), URPT_BENCH_DOC (default docs/perf.md; "none" to
# leave it), URPT_KVER, URPT_VM_TIMEOUT (default 900 s), URPT_VM_QUIET.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

icount=${URPT_BENCH_ICOUNT:-shift=0,align=off,sleep=on}
ios=${URPT_BENCH_IOS:-4000}
ios_big=${URPT_BENCH_IOS_BIG:-1000}
doc=${URPT_BENCH_DOC:-$URPT_ROOT/docs/perf.md}

"$URPT_VM_DIR/deps.sh"
kver=$(guest_kver) || die "no Debian 6.1 kernel installed"
logdir=$(new_logdir bench)
rundir=$(mktemp -d "$URPT_CACHE/run.bench.XXXXXX")
trap 'rm -rf "$rundir"' EXIT
start=$SECONDS

build_user "$logdir" || true
build_module "$logdir" "$kver" || true

msg "initramfs"
URPT_SELFTESTS="" "$URPT_VM_DIR/initramfs.sh" "$rundir/initramfs.cpio.gz" 2>&1 |
	tee "$logdir/initramfs.log"

if [[ $icount == none ]]; then
	mode="no icount (wall clock), 1 vCPU"
	qemu_args=""
else
	mode="-icount $icount, 1 vCPU"
	qemu_args="-icount $icount"
fi
msg "qemu mode: $mode; $ios I/Os per 4 KiB run, $ios_big per 128 KiB run"
boot_start=$SECONDS
# maxcpus=2: one vCPU runs, but nvme's poll_queues=2 (initramfs.sh) must
# not exceed the possible CPUs or the module refuses to load.
URPT_VM_SMP=1,maxcpus=2 URPT_VM_QEMU_ARGS=$qemu_args \
	URPT_VM_APPEND="urptbench.ios=$ios urptbench.ios_big=$ios_big" \
	URPT_VM_QUIET=${URPT_VM_QUIET:-1} \
	boot_vm bench "$kver" "$rundir/initramfs.cpio.gz" "$rundir" "$logdir" \
	"${URPT_VM_TIMEOUT:-900}" || true
vm_secs=$((SECONDS - boot_start))

tally_guest "$logdir/guest.log"
scan_console "$logdir/console.log"

# The tables, from the JSON lines: Markdown, one per disk.
tables=$logdir/tables.md
grep -a '^{' "$logdir/guest.log" | tr -d '\r' >"$logdir/results.jsonl" || true
perl -e '
	my $dir = shift;
	my %what = (
		nullb2 => "null_blk, memory_backed=1",
		nullb3 => "null_blk, memory_backed=0",
		nvme0n1 => "qemu NVMe",
	);
	my (%rows, @disks, %seen);
	while (my $l = <STDIN>) {
		my ($label) = $l =~ /"label":"([^"]*)"/ or next;
		my %kv = map { split /=/, $_, 2 } split / /, $label;
		my ($iops) = $l =~ /"iops":([0-9.]+)/;
		my ($mbs) = $l =~ /"mb_s":([0-9.]+)/;
		my ($lat) = $l =~ /"lat_ns":\{([^}]*)\}/;
		my ($drv) = $l =~ /"driver_ns":\{([^}]*)\}/;
		my ($p50) = $lat =~ /"p50":(\d+)/;
		my ($p99) = $lat =~ /"p99":(\d+)/;
		my $dp99 = defined $drv ? ($drv =~ /"p99":(\d+)/)[0] : undef;
		push @disks, $kv{disk} unless $seen{$kv{disk}}++;
		push @{$rows{$kv{disk}}}, [$kv{workload}, $kv{path}, $iops, $mbs, $p50, $p99, $dp99];
	}
	for my $d (@disks) {
		my %base = map { $_->[1] eq "block" ? ($_->[0] => $_->[2]) : () } @{$rows{$d}};
		plot_data($dir, $d, $rows{$d}, \%base);
		print "\n### /dev/$d", ($what{$d} ? " ($what{$d})" : ""), "\n\n";
		print "![IOPS vs block plain](perf-$d-iops.svg)\n![p99 latency](perf-$d-p99.svg)\n\n";
		print "| workload | path | IOPS | MB/s | p50 us | p99 us | driver p99 us | vs block plain |\n";
		print "|---|---|---:|---:|---:|---:|---:|---:|\n";
		for my $r (@{$rows{$d}}) {
			my ($w, $p, $iops, $mbs, $p50, $p99, $dp99) = @$r;
			my $ratio = $base{$w} ? sprintf("%.2f", $iops / $base{$w}) : "-";
			printf "| %s | %s | %.0f | %.1f | %.1f | %.1f | %s | %s |\n",
				$w, $p, $iops, $mbs, $p50 / 1e3, $p99 / 1e3,
				defined $dp99 ? sprintf("%.1f", $dp99 / 1e3) : "-", $ratio;
		}
	}

	# Two gnuplot data files per disk, a row per workload, a column per
	# path: IOPS over block plain, and p99 in microseconds ("-" if none).
	sub plot_data {
		my ($dir, $d, $rows, $base) = @_;
		my (@w, @p, %sw, %sp, %v);
		for my $r (@$rows) {
			push @w, $r->[0] unless $sw{$r->[0]}++;
			push @p, $r->[1] unless $sp{$r->[1]}++;
			$v{$r->[0]}{$r->[1]} = $r;
		}
		for my $kind ("iops", "p99") {
			open my $f, ">", "$dir/plot-$d-$kind.dat" or die;
			print $f join(" ", "workload", @p), "\n";
			for my $w (@w) {
				my @c = map {
					my $r = $v{$w}{$_};
					!$r ? "-" : $kind eq "p99" ? sprintf("%.1f", $r->[5] / 1e3) :
					$base->{$w} ? sprintf("%.3f", $r->[2] / $base->{$w}) : "-"
				} @p;
				print $f join(" ", $w, @c), "\n";
			}
		}
	}
' "$logdir" <"$logdir/results.jsonl" >"$tables"

# The plots: clustered bars, a cluster per workload, a bar per path.
plot() { # plot DATA OUT.svg YLABEL [GNUPLOT-Y-SETTING]
	local ncol
	ncol=$(head -n 1 "$1" | wc -w)
	gnuplot <<-EOF
		set terminal svg size 960,380 dynamic font "sans,11"
		set output "$2"
		set style data histogram
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		# gnuplot has 8 default colours; up to 13 paths per disk
		set linetype 9 lc rgb "#8c564b"
		set linetype 10 lc rgb "#7f7f7f"
		set linetype 11 lc rgb "#bcbd22"
		set linetype 12 lc rgb "#17becf"
		set linetype 13 lc rgb "#ff9896"
		set datafile missing "-"
		set key outside right top vertical
		set ylabel "$3"
		set grid ytics
		${4:-set yrange [0:*]}
		plot for [i=2:$ncol] "$1" using i:xtic(1) title columnheader(i)
	EOF
}
plots_ok=1
for dat in "$logdir"/plot-*-iops.dat; do
	[[ -e $dat ]] || continue
	d=${dat##*/plot-}
	d=${d%-iops.dat}
	plot "$dat" "$logdir/perf-$d-iops.svg" "IOPS / block plain" || plots_ok=0
	plot "$logdir/plot-$d-p99.dat" "$logdir/perf-$d-p99.svg" "p99 latency (us, log)" "set logscale y" ||
		plots_ok=0
done
((plots_ok)) || fail "gnuplot could not draw the plots"

total=$((SECONDS - start))
echo
echo "==== urpt bench: $mode"
echo "$ios I/Os per 4 KiB run, $ios_big per 128 KiB run; guest kernel $kver; VM $vm_secs s"
cat "$tables"

# docs/perf.md: the generated section between the markers.
if [[ $doc != none && -s $tables && -f $doc ]] && grep -q '<!-- bench:begin -->' "$doc"; then
	section=$logdir/section.md
	{
		echo "<!-- bench:begin -->"
		echo "Generated by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'):"
		echo
		echo "- command: \`make bench\` (URPT_BENCH_IOS=$ios URPT_BENCH_IOS_BIG=$ios_big, seed 1, 64 MiB range)"
		echo "- guest kernel: $kver (Debian), host qemu: $(qemu-system-x86_64 --version | head -n 1)"
		echo "- qemu mode: TCG, $mode (guest time counts instructions)"
		echo "- wall time of the VM run: $vm_secs s"
		cat "$tables"
		echo
		echo "<!-- bench:end -->"
	} >"$section"
	cp "$logdir"/perf-*.svg "$(dirname "$doc")/" 2>/dev/null || true
	perl -0pi -e '
		BEGIN { local $/; open my $f, "<", shift @ARGV or die; $s = <$f>; }
		s/<!-- bench:begin -->.*?<!-- bench:end -->\n/$s/s
	' "$section" "$doc"
	msg "tables written to $doc"
fi

msg "bench took $total s"
print_summary "$logdir" | tee "$logdir/summary.txt"
((FAILED == 0 && PASSED > 0))
