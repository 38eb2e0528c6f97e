package dev.taskqueue.http.api;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * The round trips on MariaDB.
 */
@Import(MariaDbHttpApiRoundTripTests.Database.class)
class MariaDbHttpApiRoundTripTests extends HttpApiRoundTripContractTests {

	@TestConfiguration(proxyBeanMethods = false)
	static class Database {

		@Bean(destroyMethod = "")
		DataSource dataSource() {
			return TestDatabases.mariadb();
		}

		/** Drops the tables once the context has stopped the queue, on close. */
		@Bean
		DisposableBean dropSchema(DataSource dataSource) {
			return () -> TestDatabases.dropSchema(dataSource, "mariadb", TABLE_PREFIX);
		}

	}

}
