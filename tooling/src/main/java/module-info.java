/**
 * attention4j tooling: what the CLI, the JMH benchmarks and the performance gate share and the library's users
 * never see: the FMA-peak and read-bandwidth yardsticks, the naive (materialized-scores) peer, a describer of
 * the kernel in use. Not published; it may change in any commit.
 */
module org.attention4j.tooling {
    requires transitive org.attention4j;

    exports org.attention4j.bench;
}
