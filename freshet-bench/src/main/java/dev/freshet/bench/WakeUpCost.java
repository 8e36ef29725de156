package dev.freshet.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * What one thread waking another costs on this machine: two threads pass a turn back and forth,
 * each parking until the other unparks it, and the run prints one JSON line with the round trip
 * and the CPU both threads spent per wake-up cycle (park, be woken, run, unpark the other).
 *
 * <p>Every hand-off in the server's pipelines (HTTP event loop → log committer → engine → event
 * loop, and the load generator's own) is such a wake-up, so this figure, not the code, bounds
 * what small requests cost on a given VM: run it as is (the threads may land on different cores)
 * and pinned to one core ({@code taskset -c 0}) to see the price of a cross-core wake-up (on the
 * benchmark VM, whose idle vCPUs halt, ~15 µs of CPU and ~21 µs of latency, against ~2.4 µs and
 * ~2.4 µs on one core).
 *
 * <pre>java -cp freshet-bench/target/benchmarks.jar dev.freshet.bench.WakeUpCost [round trips]</pre>
 */
public final class WakeUpCost {
    private static volatile long turn;

    private WakeUpCost() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpuNanos = new long[2];
        Thread[] players = new Thread[2];
        for (int p = 0; p < 2; p++) {
            int me = p;
            players[p] = Thread.ofPlatform().name("wake-" + p).unstarted(() -> {
                long cpu0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < rounds; i++) {
                    while ((turn & 1) != me) {
                        LockSupport.park();
                    }
                    turn++;
                    LockSupport.unpark(players[1 - me]);
                }
                cpuNanos[me] = mx.getCurrentThreadCpuTime() - cpu0;
            });
        }
        long start = System.nanoTime();
        for (Thread t : players) {
            t.start();
        }
        for (Thread t : players) {
            t.join();
        }
        double elapsedMicros = (System.nanoTime() - start) / 1e3;
        double cpuPerWake = (cpuNanos[0] + cpuNanos[1]) / 1e3 / (2.0 * rounds);
        System.out.printf("{\"benchmark\":\"wake-up cost\",\"round_trips\":%d,\"round_trip_us\":%.2f,"
                + "\"cpu_us_per_wake_up\":%.2f,\"cpus\":%d}%n", rounds, elapsedMicros / rounds, cpuPerWake,
                Runtime.getRuntime().availableProcessors());
    }
}
