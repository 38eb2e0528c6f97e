package dev.taskqueue.dashboard.browser;

import javax.sql.DataSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * The browser tests on PostgreSQL, in tables of their own that are dropped when the
 * application stops, right after these tests.
 */
@DirtiesContext(classMode = ClassMode.AFTER_CLASS)
@SpringBootTest(classes = { BrowserTestApplication.class, PostgresDashboardBrowserTests.PostgresDatabase.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "taskqueue.jdbc.initialize-schema=always",
				"taskqueue.dashboard.poll-interval=500ms", "taskqueue.worker.progress-interval=100ms" })
class PostgresDashboardBrowserTests extends DashboardBrowserTests {

	private static final String TABLE_PREFIX = TestDatabases.uniqueTablePrefix();

	@DynamicPropertySource
	static void tablePrefix(DynamicPropertyRegistry registry) {
		registry.add("taskqueue.jdbc.table-prefix", () -> TABLE_PREFIX);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PostgresDatabase {

		@Bean(destroyMethod = "")
		DataSource dataSource() {
			return TestDatabases.postgres();
		}

		/** Drops the tables once everything else has stopped: the lowest phase stops last. */
		@Bean
		SmartLifecycle dropTables(DataSource dataSource) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					TestDatabases.dropSchema(dataSource, "postgresql", TABLE_PREFIX);
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return Integer.MIN_VALUE;
				}

			};
		}

	}

}
