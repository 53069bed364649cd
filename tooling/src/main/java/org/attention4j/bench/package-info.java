/**
 * What the CLI, the JMH benchmarks and the performance gate share: seeded workloads, FLOP counting,
 * and the FMA-peak calibration kernel.
 */
package org.attention4j.bench;
