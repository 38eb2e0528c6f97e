package dev.taskqueue.autoconfigure;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TaskQueueDataSourceScriptDatabaseInitializer}.
 */
class TaskQueueDataSourceScriptDatabaseInitializerTests {

	@Test
	void getSettingsWithPlatformDoesNotTouchDataSource() {
		DataSource dataSource = mock(DataSource.class);
		TaskQueueJdbcProperties properties = new TaskQueueJdbcProperties();
		properties.setPlatform("test");
		DatabaseInitializationSettings settings = getSettings(
				new TaskQueueDataSourceScriptDatabaseInitializer(dataSource, properties));
		assertThat(settings.getSchemaLocations()).containsOnly("classpath:dev/taskqueue/store/jdbc/schema-test.sql");
		then(dataSource).shouldHaveNoInteractions();
	}

	@ParameterizedTest
	@CsvSource({ "H2, h2", "PostgreSQL, postgresql", "MariaDB, mariadb", "MySQL, mysql" })
	void getSettingsDetectsThePlatformOfEachSupportedDatabase(String productName, String platform)
			throws SQLException {
		DataSource dataSource = dataSource(productName);
		DatabaseInitializationSettings settings = getSettings(
				new TaskQueueDataSourceScriptDatabaseInitializer(dataSource, new TaskQueueJdbcProperties()));
		String location = "classpath:dev/taskqueue/store/jdbc/schema-" + platform + ".sql";
		assertThat(settings.getSchemaLocations()).containsOnly(location);
		assertThat(new DefaultResourceLoader().getResource(location).exists()).isTrue();
	}

	@Test
	void initializeDatabaseReplacesTheTablePrefixInTheScripts() {
		DataSource dataSource = TestDatabases.h2();
		TaskQueueJdbcProperties properties = new TaskQueueJdbcProperties();
		properties.setTablePrefix("OTHER_");
		properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		properties.setContinueOnError(false);
		TaskQueueDataSourceScriptDatabaseInitializer initializer = new TaskQueueDataSourceScriptDatabaseInitializer(
				dataSource, properties);
		initializer.setResourceLoader(new DefaultResourceLoader());
		assertThat(initializer.initializeDatabase()).isTrue();
		assertThat(new JdbcTemplate(dataSource).queryForList(
				"SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME",
				String.class))
			.containsExactly("OTHER_AUDIT", "OTHER_DAEMON", "OTHER_JOB", "OTHER_JOB_CALLBACK", "OTHER_LEASE", "OTHER_NODE", "OTHER_SCHEDULE",
					"OTHER_SCHEDULE_SLOT", "OTHER_SCHEMA_VERSION", "OTHER_TASK", "OTHER_TASK_ERROR", "OTHER_TASK_PARENT");
		assertThat(new JdbcTemplate(dataSource).queryForList(
				"SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME LIKE '%IDX' ORDER BY INDEX_NAME",
				String.class))
			.allMatch((name) -> name.startsWith("OTHER_"));
	}

	@Test
	void whenTheTablePrefixIsInvalidThenThePropertyIsNamed() {
		TaskQueueJdbcProperties properties = new TaskQueueJdbcProperties();
		properties.setTablePrefix("TQ_; DROP TABLE X; --");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new TaskQueueDataSourceScriptDatabaseInitializer(mock(DataSource.class), properties))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.jdbc.table-prefix"));
	}

	// Boot keeps getSettings() package-private and publishes no accessor for other modules
	private static DatabaseInitializationSettings getSettings(
			TaskQueueDataSourceScriptDatabaseInitializer initializer) {
		DatabaseInitializationSettings settings = ReflectionTestUtils.invokeMethod(initializer, "getSettings");
		assertThat(settings).isNotNull();
		return settings;
	}

	private static DataSource dataSource(String productName) throws SQLException {
		DatabaseMetaData metaData = mock(DatabaseMetaData.class);
		given(metaData.getDatabaseProductName()).willReturn(productName);
		Connection connection = mock(Connection.class);
		given(connection.getMetaData()).willReturn(metaData);
		DataSource dataSource = mock(DataSource.class);
		given(dataSource.getConnection()).willReturn(connection);
		return dataSource;
	}

}
