package org.attention4j.spark;

import org.apache.spark.sql.SparkSession;

/** The tests' one {@code local[2]} session (two task threads in this JVM), stopped by Spark's shutdown hook. */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = builder("local[2]", "attention4j-spark-test").config("spark.sql.shuffle.partitions", "3")
                    .getOrCreate();
        }
        return session;
    }

    /** A session on {@code master} as every test here wants it: no web UI, the driver on loopback. */
    static SparkSession.Builder builder(String master, String name) {
        return SparkSession.builder().master(master).appName(name).config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
    }
}
