package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
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
		email.setEnabled(false);
		List<TaskTypeDefinition> definitions = map();
		assertThat(definitions).containsExactly(new TaskTypeDefinition("email", EmailHandler.class,
				new TaskTypeSettings("E-mail", "mail", 4, Duration.ofSeconds(30)), false));
	}

	@Test
	void mapsATypeWithoutClassNameToNoHandlerClass() {
		type("report").setQueue("reports");
		assertThat(map()).containsExactly(
				new TaskTypeDefinition("report", null, new TaskTypeSettings(null, "reports", null, null), true));
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
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("queue.types.email.class-name"))
			.withMessageContaining("com.example.Missing");
	}

	@Test
	void whenTheClassIsNotATaskHandlerThenThePropertyIsNamed() {
		type("email").setClassName(String.class.getName());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("queue.types.email.class-name"))
			.withMessageContaining("does not implement dev.taskqueue.TaskHandler");
	}

	@Test
	void whenATypeNameHasDotsThenThePropertyIsNamedWithBrackets() {
		type("email.send").setClassName(String.class.getName());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(this::map)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("queue.types[email.send].class-name"));
	}

	private TaskQueueProperties.Type type(String name) {
		TaskQueueProperties.Type type = new TaskQueueProperties.Type();
		this.properties.getTypes().put(name, type);
		return type;
	}

	private List<TaskTypeDefinition> map() {
		return new TaskTypesPropertiesMapper(this.properties, getClass().getClassLoader()).asTaskTypeDefinitions();
	}

	static class EmailHandler implements TaskHandler<String> {

		@Override
		public Object handle(String payload, TaskContext context) {
			return payload;
		}

	}

}
