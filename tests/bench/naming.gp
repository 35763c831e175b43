# tests/bench/naming.gp - the plots of `make bench-naming`, drawn from the .dat files
# naming_report.py writes. Called as
#   gnuplot -e "shared='S.dat'; pinned='P.dat'; group='G.dat';
#               outdir='DIR'; groups=1; group_max=16; group_nodes=16; nic='e1000'" naming.gp
# Makes DIR/naming_lookup.png (latency against cluster size), DIR/naming_ratio.png (miss
# against the round trip, with the 1.5 target) and, with groups=1, DIR/naming_group.png.
set terminal pngcairo size 960,600 font ",10"
set grid
set key outside right top
set logscale x 2
set xlabel "nodes in the cluster"
set xtics (2, 4, 8, 16)
set xrange [1.7:19]

# columns: 1 nodes, then median/p95 pairs of hit(2,3) miss(4,5) unicast(6,7) rtt(8,9)
# rtt_ks(10,11) miss_all(12,13), then miss/rtt(14) miss/unicast(15) miss_all/rtt(16)
set output outdir."/naming_lookup.png"
set title "Name lookup latency (".nic.", emulated time under TCG): median solid, p95 dashed"
set ylabel "microseconds (log scale)"
set logscale y 10
# (the pinned file may hold no points: gnuplot then only warns)
plot shared u 1:4  w lp lw 2 pt 7 lc 1 t "miss (context group)", \
     shared u 1:5  w lp lw 1 pt 6 lc 1 dt 2 t "miss p95", \
     shared u 1:12 w lp lw 2 pt 3 lc 5 t "miss asking every handler", \
     shared u 1:13 w lp lw 1 pt 2 lc 5 dt 2 t "every-handler p95", \
     shared u 1:6  w lp lw 2 pt 5 lc 2 t "unicast lookup", \
     shared u 1:7  w lp lw 1 pt 4 lc 2 dt 2 t "unicast p95", \
     shared u 1:8  w lp lw 2 pt 9 lc 3 t "round trip (rtt)", \
     shared u 1:9  w lp lw 1 pt 8 lc 3 dt 2 t "rtt p95", \
     shared u 1:10 w lp lw 2 pt 13 lc 4 t "kernel server rtt", \
     shared u 1:11 w lp lw 1 pt 12 lc 4 dt 2 t "kernel server p95", \
     shared u 1:2  w lp lw 2 pt 11 lc 7 t "cache hit", \
     shared u 1:3  w lp lw 1 pt 10 lc 7 dt 2 t "hit p95", \
     pinned u 1:4  w lp lw 2 pt 7 lc 6 t "miss, pinned placement", \
     pinned u 1:8  w lp lw 2 pt 9 lc 8 t "rtt, pinned placement"

set output outdir."/naming_ratio.png"
set title "Miss cost against a unicast round trip (medians)"
unset logscale y
set ylabel "ratio"
set yrange [0:*]
plot shared u 1:14 w lp lw 2 pt 7 lc 1 t "miss / rtt, shared placement", \
     shared u 1:15 w lp lw 1 pt 6 lc 1 dt 2 t "miss / unicast lookup, shared", \
     shared u 1:16 w lp lw 2 pt 3 lc 5 t "miss asking every handler / rtt, shared", \
     pinned u 1:14 w lp lw 2 pt 5 lc 6 t "miss / rtt, pinned placement", \
     pinned u 1:15 w lp lw 1 pt 4 lc 6 dt 2 t "miss / unicast lookup, pinned", \
     pinned u 1:16 w lp lw 1 pt 2 lc 8 t "miss asking every handler / rtt, pinned", \
     1.5 w l lw 2 lc 0 dt 3 t "target (1.5)"

if (groups) {
  set output outdir."/naming_group.png"
  set title sprintf("Group Send on a %d-node cluster: median solid, p95 dashed", group_nodes)
  unset logscale x
  set xlabel "members in the group (one per node, on other nodes than the sender's)"
  set xtics 1
  set xrange [0.5:group_max + 0.5]
  set ylabel "microseconds"
  set yrange [0:*]
  plot group u 1:2 w lp lw 2 pt 7 lc 1 t "first reply", \
       group u 1:3 w lp lw 1 pt 6 lc 1 dt 2 t "first reply p95", \
       group u 1:4 w lp lw 2 pt 5 lc 2 t "all replies", \
       group u 1:5 w lp lw 1 pt 4 lc 2 dt 2 t "all replies p95"
}
