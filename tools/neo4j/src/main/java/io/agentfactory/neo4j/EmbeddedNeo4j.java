package io.agentfactory.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Neo4j community DBMS embedded in a JVM, reachable only over Bolt (no auth, no HTTP).
 *
 * <p>Options (argument wins over environment, environment over default):
 * <pre>
 *   --data-dir DIR    NEO4J_DATA_DIR       default ./.state/neo4j  (Neo4j home: data/ lives here)
 *   --logs-dir DIR    NEO4J_LOGS_DIR       default DATA_DIR/logs   (debug.log)
 *   --port N          NEO4J_BOLT_PORT      default 7687
 *   --host H          NEO4J_BOLT_HOST      default 127.0.0.1
 *   --pagecache-mb N NEO4J_PAGECACHE_MB   default 96
 * </pre>
 * Prints {@code neo4j ready bolt://HOST:PORT} once Bolt accepts connections; shuts down cleanly on SIGTERM.
 */
public final class EmbeddedNeo4j {

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            log("neo4j failed: " + e);
            e.printStackTrace();
            System.exit(1); // runs the shutdown hook (if registered), which stops the DBMS
        }
    }

    private static void run(String[] args) throws Exception {
        Path dataDir = Path.of(opt(args, "--data-dir", "NEO4J_DATA_DIR", ".state/neo4j")).toAbsolutePath().normalize();
        Path logsDir = Path.of(opt(args, "--logs-dir", "NEO4J_LOGS_DIR", dataDir.resolve("logs").toString()))
                .toAbsolutePath()
                .normalize();
        String host = opt(args, "--host", "NEO4J_BOLT_HOST", "127.0.0.1");
        int port = Integer.parseInt(opt(args, "--port", "NEO4J_BOLT_PORT", "7687"));
        long pageCacheMb = Long.parseLong(opt(args, "--pagecache-mb", "NEO4J_PAGECACHE_MB", "96"));
        Files.createDirectories(dataDir);
        Files.createDirectories(logsDir);

        log("starting neo4j (home " + dataDir + ", logs " + logsDir + ", bolt " + host + ":" + port + ")");
        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(dataDir)
                .setUserLogProvider(new Log4jLogProvider(System.out))
                .setConfig(GraphDatabaseSettings.logs_directory, logsDir)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.tx_state_max_off_heap_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Netty's quiet period (default 5 s, spent twice) dominates shutdown time; nothing to wait for locally.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down neo4j");
            try {
                dbms.shutdown();
                log("neo4j stopped");
            } catch (RuntimeException e) {
                log("neo4j shutdown failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        // Opening the default database blocks until it is available; then make sure Bolt really accepts.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        waitForPort(host, port, 60_000);
        log(String.format("neo4j ready bolt://%s:%d (%.1fs)", host, port, (System.nanoTime() - t0) / 1e9));
        stopped.await();
    }

    private static void waitForPort(String host, int port, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt did not open on " + host + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static String opt(String[] args, String flag, String env, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? def : value;
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " [embedded-neo4j] " + message);
        System.out.flush();
    }
}
