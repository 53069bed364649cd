package org.attention4j.spark;

import org.apache.spark.sql.SparkSession;

/** The tests' one {@code local[2]} session (two task threads in this JVM), stopped by Spark's shutdown hook. */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("attention4j-spark-test")
                    .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "3")
                    .getOrCreate();
        }
        return session;
    }
}
