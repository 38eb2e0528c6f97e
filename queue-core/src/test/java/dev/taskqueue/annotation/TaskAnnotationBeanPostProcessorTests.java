package dev.taskqueue.annotation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeDefinition;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Discovery of {@link Task @Task} methods and configured handler classes in a plain Spring
 * context.
 */
class TaskAnnotationBeanPostProcessorTests {

	private static final TaskContext context = new TestContext();

	@Test
	void annotatedMethodsAreRegisteredWithResolvedPlaceholdersAndInvokedWithPayloadAndContext() throws Exception {
		try (AnnotationConfigApplicationContext context = context(List.of(), MailTasks.class)) {
			TaskTypeRegistry registry = context.getBean(TaskTypeRegistry.class);
			TaskType send = registry.get("mail.send");
			assertThat(send.queue()).isEqualTo("mails");
			assertThat(send.priority()).isEqualTo(7);
			assertThat(send.options().timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(send.label()).isEqualTo("Send a mail");
			assertThat(send.payloadType()).isEqualTo(Mail.class);
			assertThat(send.source()).isEqualTo("@Task method 'TaskAnnotationBeanPostProcessorTests.MailTasks.send'");
			assertThat(send.handler().handle(new Mail("ann"), TaskAnnotationBeanPostProcessorTests.context))
				.isEqualTo("sent to ann on attempt 2");
			TaskType ping = registry.get("ping");
			assertThat(ping.payloadType()).isNull();
			assertThat(ping.queue()).isEqualTo("default");
			assertThat(ping.handler().handle(null, TaskAnnotationBeanPostProcessorTests.context)).isNull();
		}
	}

	@Test
	void configurationOverridesTheAnnotationWhichOverridesTheDefaults() {
		TaskTypeDefinition configured = new TaskTypeDefinition("mail.send", null,
				new TaskTypeSettings(null, "urgent", null, TaskOptions.NONE, null), true);
		try (AnnotationConfigApplicationContext context = context(List.of(configured), MailTasks.class)) {
			TaskType send = context.getBean(TaskTypeRegistry.class).get("mail.send");
			assertThat(send.queue()).isEqualTo("urgent");
			assertThat(send.priority()).isEqualTo(7);
			assertThat(send.options().timeout()).isEqualTo(Duration.ofSeconds(30));
		}
	}

	@Test
	void twoMethodsForOneTypeFailNamingBoth() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> context(List.of(), MailTasks.class, DuplicateMailTasks.class))
			.havingRootCause()
			.withMessage("Invalid @Task method 'TaskAnnotationBeanPostProcessorTests.DuplicateMailTasks.deliver': type 'mail.send' is already handled by "
					+ "@Task method 'TaskAnnotationBeanPostProcessorTests.MailTasks.send'");
	}

	@Test
	void methodWithTwoPayloadParametersFailsNamingIt() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> context(List.of(), TwoPayloads.class))
			.havingRootCause()
			.withMessage("Invalid @Task method 'TaskAnnotationBeanPostProcessorTests.TwoPayloads.both': it may take one payload parameter and a TaskContext, not 2 parameters");
	}

	@Test
	void durationBeyondTheMaximumFailsNamingTheMethodAndTheOption() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> context(List.of(), EverlastingTasks.class))
			.withStackTraceContaining("Invalid @Task method 'TaskAnnotationBeanPostProcessorTests.EverlastingTasks.linger': "
					+ "'timeout' must be at most 365 days");
	}

	@Test
	void configuredTypeWithoutHandlerFailsNamingTheProperty() {
		TaskTypeDefinition orphan = new TaskTypeDefinition("orphan", null, TaskTypeSettings.NONE, true);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> context(List.of(orphan), MailTasks.class))
			.withMessage("Task type 'orphan' is configured but has no handler: declare a "
					+ "@Task(\"orphan\") method or set taskqueue.types.orphan.class-name");
	}

	@Test
	void disabledTypeWithoutHandlerIsAllowedButCannotBeEnqueued() {
		TaskTypeDefinition disabled = new TaskTypeDefinition("mail.send", null, TaskTypeSettings.NONE, false);
		try (AnnotationConfigApplicationContext context = context(List.of(disabled), MailTasks.class)) {
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> context.getBean(TaskTypeRegistry.class).get("mail.send"))
				.withMessage("Task type 'mail.send' is disabled by taskqueue.types[mail.send].enabled=false");
		}
	}

	@Test
	void configuredHandlerClassIsCreatedThroughTheBeanFactoryAndAutowired() throws Exception {
		TaskTypeDefinition greet = new TaskTypeDefinition("greet", GreetHandler.class,
				new TaskTypeSettings("Greet", "people", 3, TaskOptions.NONE, null), true);
		try (AnnotationConfigApplicationContext context = context(List.of(greet), Greeter.class)) {
			TaskType type = context.getBean(TaskTypeRegistry.class).get("greet");
			assertThat(type.payloadType()).isEqualTo(String.class);
			assertThat(type.queue()).isEqualTo("people");
			assertThat(type.source()).isEqualTo("taskqueue.types.greet.class-name (" + GreetHandler.class.getName() + ")");
			assertThat(type.handler().handle("bob", TaskAnnotationBeanPostProcessorTests.context)).isEqualTo("Hello, bob");
		}
	}

	@Test
	void configuredClassThatIsNoHandlerFailsNamingTheProperty() {
		TaskTypeDefinition wrong = new TaskTypeDefinition("wrong", String.class, TaskTypeSettings.NONE, true);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> context(List.of(wrong)))
			.withMessage("Invalid taskqueue.types.wrong.class-name: java.lang.String does not implement dev.taskqueue.TaskHandler");
	}

	@Test
	void handlerClassAndMethodForOneTypeFailNamingBoth() {
		TaskTypeDefinition greet = new TaskTypeDefinition("mail.send", GreetHandler.class, TaskTypeSettings.NONE, true);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> context(List.of(greet), MailTasks.class, Greeter.class))
			.withMessage("Invalid taskqueue.types[mail.send].class-name (" + GreetHandler.class.getName()
					+ "): type 'mail.send' is already handled by @Task method 'TaskAnnotationBeanPostProcessorTests.MailTasks.send'");
	}

	private AnnotationConfigApplicationContext context(List<TaskTypeDefinition> definitions, Class<?>... beans) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("mail.queue", "mails", "mail.timeout", "30s")));
		context.registerBean(TaskTypeRegistry.class, () -> new TaskTypeRegistry(definitions, TaskTypeSettings.NONE));
		context.register(Infrastructure.class);
		if (beans.length > 0) {
			context.register(beans);
		}
		try {
			context.refresh();
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class Infrastructure {

		@Bean
		static TaskAnnotationBeanPostProcessor taskAnnotationBeanPostProcessor() {
			return new TaskAnnotationBeanPostProcessor();
		}

	}

	record Mail(String to) {
	}

	static class MailTasks {

		@Task(value = "mail.send", name = "Send a mail", queue = "${mail.queue}", priority = "7", timeout = "${mail.timeout}")
		public String send(TaskContext context, Mail mail) {
			return "sent to " + mail.to() + " on attempt " + context.attempt();
		}

		@Task("ping")
		public void ping() {
		}

	}

	static class DuplicateMailTasks {

		@Task("mail.send")
		public void deliver(Mail mail) {
		}

	}

	static class EverlastingTasks {

		@Task(value = "linger", timeout = "110000d")
		public void linger(Mail mail) {
		}

	}

	static class TwoPayloads {

		@Task("both")
		public void both(Mail mail, String other) {
		}

	}

	static class Greeter {

		String greet(String name) {
			return "Hello, " + name;
		}

	}

	static class GreetHandler implements TaskHandler<String> {

		private final Greeter greeter;

		GreetHandler(Greeter greeter) {
			this.greeter = greeter;
		}

		@Override
		public Object handle(String payload, TaskContext context) {
			return this.greeter.greet(payload);
		}

	}

	static final class TestContext implements TaskContext {

		@Override
		public UUID taskId() {
			return UUID.randomUUID();
		}

		@Override
		public String type() {
			return "test";
		}

		@Override
		public String queue() {
			return "default";
		}

		@Override
		public int attempt() {
			return 2;
		}

		@Override
		public void heartbeat() {
		}

		@Override
		public void progress(double fraction, String message) {
		}

		@Override
		public void progressPercent(int percent, String message) {
		}

		@Override
		public JsonValue payload() {
			return null;
		}

		@Override
		public boolean isCancelled() {
			return false;
		}

		@Override
		public <T> T parentResult(UUID parentId, Class<T> type) {
			return null;
		}

		@Override
		public <T> T parentResult(String parentType, Class<T> type) {
			return null;
		}

		@Override
		public ScheduleSlot scheduleSlot() {
			return null;
		}

		@Override
		public UUID jobId() {
			return null;
		}

		@Override
		public void addToJob(List<TaskRequest> tasks) {
		}

		@Override
		public void planNext(Object nextPayload) {
		}

		@Override
		public void setJobResult(Object result) {
		}

	}

}
