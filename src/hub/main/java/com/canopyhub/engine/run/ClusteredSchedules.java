package com.canopyhub.engine.run;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz's clustered JDBC job store on the hub's PostgreSQL (hub.schedule.store=jdbc): the schedules' triggers live
 * in the {@code quartz} schema (Flyway V17), every node with the same scheduler name shares them, each firing is
 * acquired by one node under Quartz's row lock ({@code acquireTriggersWithinLock}), and a node that stops checking in
 * has its triggers recovered by the others. No home-made coordinator: this only hands Quartz the hub's connection
 * pool and the settings, and gives camel-quartz the scheduler.
 */
public final class ClusteredSchedules {

    /** The scheduler's name: the same on every node of one cluster (one database). */
    public static final String SCHEDULER = "canopy-hub";
    private static final String DATA_SOURCE = "canopyHub";

    private ClusteredSchedules() {
    }

    public static void install(CamelContext context, DataSource dataSource, Duration checkinInterval) throws SchedulerException {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the hub closes its pool
            }

            @Override
            public void initialize() {
                // the pool is open already
            }
        });
        Properties p = new Properties();
        p.put(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, SCHEDULER);
        p.put(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, StdSchedulerFactory.AUTO_GENERATE_INSTANCE_ID);
        p.put("org.quartz.threadPool.threadCount", "4");
        p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.put("org.quartz.jobStore.tablePrefix", "quartz.qrtz_");
        p.put("org.quartz.jobStore.isClustered", "true");
        p.put("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinInterval.toMillis()));
        p.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.put("org.quartz.jobStore.misfireThreshold", "1000");
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        quartz.setScheduler(new StdSchedulerFactory(p).getScheduler());
    }
}
