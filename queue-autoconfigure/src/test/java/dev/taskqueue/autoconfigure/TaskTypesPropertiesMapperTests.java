package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.type.TaskTypeDefinition;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TaskTypesPropertiesMapper}.
 */
class TaskTypesPropertiesMapperTests {

	private final TaskQueueProperties properties = new TaskQueueProperties();

	@Test
	void mapsEveryOptionOfAType() {
		TaskQueueProperties.Type email = type("email");
		email.setName("E-mail");
		email.setClassName(EmailHandler.class.getName());
		email.setQueue("mail");
		email.setPriority(4);
		email.setTimeout(Duration.ofSeconds(30));
		email.setHeartbeat(Duration.ofSeconds(5));
		email.setRetries(6);
		email.setRetryDelay(Duration.ofSeconds(2));
		email.setRetryBackoff(1.5);
		email.setRetryMaxDelay(Duration.ofMinutes(10));
		email.setRetryJitter(0.3);
		email.setNoRetryFor(List.of(IllegalArgumentException.class));
		email.setEnabled(false);
		List<TaskTypeDefinition> definitions = map();
		TaskOptions options = new TaskOptions(Duration.ofSeconds(30), Duration.ofSeconds(5), 6, Duration.ofSeconds(2),
				1.5, Duration.ofMinutes(10), 0.3);
		assertThat(definitions).containsExactly(new TaskTypeDefinition("email", EmailHandler.class,
				new TaskTypeSettings("E-mail", "mail", 4, options, List.of(IllegalArgumentException.class)), false));
	}

	@Test
	void mapsATypeWithoutClassNameToNoHandlerClass() {
		type("report").setQueue("reports");
		assertThat(map()).containsExactly(new TaskTypeDefinition("report", null,
				new TaskTypeSettings(null, "reports", null, TaskOptions.NONE, null), true));
	}

	@Test
	void mapsTheDefaults() {
		TaskQueueProperties.Defaults defaults = this.properties.getDefaults();
		defaults.setQueue("fallback");
		defaults.setPriority(2);
		defaults.setTimeout(Duration.ofMinutes(1));
		defaults.setHeartbeat(Duration.ofSeconds(15));
		defaults.setRetries(1);
		defaults.setRetryDelay(Duration.ofSeconds(3));
		defaults.setRetryBackoff(1.0);
		defaults.setRetryMaxDelay(Duration.ofMinutes(2));
		defaults.setRetryJitter(0.0);
		TaskOptions options = new TaskOptions(Duration.ofMinutes(1), Duration.ofSeconds(15), 1, Duration.ofSeconds(3),
				1.0, Duration.ofMinutes(2), 0.0);
		assertThat(mapper().asDefaultSettings()).isEqualTo(new TaskTypeSettings(null, "fallback", 2, options, null));
	}

	@Test
	void mapsUnchangedDefaultsToTheTaskOptionsDefaults() {
		assertThat(mapper().asDefaultSettings())
			.isEqualTo(new TaskTypeSettings(null, "default", 0, TaskOptions.DEFAULTS, null));
	}

	@Test
	void whenAnOptionOfATypeIsOutOfRangeThenThePropertyAndValueAreNamed() {
		type("email").setRetryJitter(1.5);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types.email.retry-jitter"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo(1.5))
			.withMessageContaining("must be between 0 and 1");
	}

	@Test
	void whenAnOptionOfATypeWithDotsIsOutOfRangeThenThePropertyIsNamedWithBrackets() {
		type("email.send").setRetryBackoff(0.5);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types[email.send].retry-backoff"))
			.withMessageContaining("'0.5'");
	}

	@Test
	void whenADefaultIsOutOfRangeThenThePropertyAndValueAreNamed() {
		this.properties.getDefaults().setRetries(-1);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> mapper().asDefaultSettings())
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.defaults.retries"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo(-1))
			.withMessageContaining("must not be negative");
	}

	@Test
	void whenANoRetryForClassIsNotAThrowableThenThePropertyIsNamed() {
		type("email").setNoRetryFor(List.of(IllegalStateException.class, notAThrowable()));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types.email.no-retry-for"))
			.withMessageContaining("java.lang.String")
			.withMessageContaining("is not a java.lang.Throwable");
	}

	@Test
	void keepsConfigurationOrder() {
		type("b");
		type("a");
		type("c");
		assertThat(map()).extracting(TaskTypeDefinition::name).containsExactly("b", "a", "c");
	}

	@Test
	void whenTheClassCannotBeLoadedThenThePropertyIsNamed() {
		type("email").setClassName("com.example.Missing");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types.email.class-name"))
			.withMessageContaining("com.example.Missing");
	}

	@Test
	void whenTheClassIsNotATaskHandlerThenThePropertyIsNamed() {
		type("email").setClassName(String.class.getName());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types.email.class-name"))
			.withMessageContaining("does not implement dev.taskqueue.TaskHandler");
	}

	@Test
	void whenATypeNameHasDotsThenThePropertyIsNamedWithBrackets() {
		type("email.send").setClassName(String.class.getName());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types[email.send].class-name"));
	}

	private TaskQueueProperties.Type type(String name) {
		TaskQueueProperties.Type type = new TaskQueueProperties.Type();
		this.properties.getTypes().put(name, type);
		return type;
	}

	private List<TaskTypeDefinition> map() {
		return mapper().asTaskTypeDefinitions();
	}

	private TaskTypesPropertiesMapper mapper() {
		return new TaskTypesPropertiesMapper(this.properties, getClass().getClassLoader());
	}

	/**
	 * What binding a class name such as {@code java.lang.String} to a
	 * {@code List<Class<? extends Throwable>>} gives: the bound is not checked.
	 */
	@SuppressWarnings("unchecked")
	private static Class<? extends Throwable> notAThrowable() {
		return (Class<? extends Throwable>) (Class<?>) String.class;
	}

	static class EmailHandler implements TaskHandler<String> {

		@Override
		public Object handle(String payload, TaskContext context) {
			return payload;
		}

	}

}
