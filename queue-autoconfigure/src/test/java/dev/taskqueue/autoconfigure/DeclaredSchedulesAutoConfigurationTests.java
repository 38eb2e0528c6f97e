package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.annotation.DeclaredSchedules;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;
import dev.taskqueue.schedule.ScheduleRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the schedules that {@link TaskQueueAutoConfiguration} declares to the engine,
 * from {@code @Task} methods and {@code taskqueue.schedules.*}.
 */
class DeclaredSchedulesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class))
		.withUserConfiguration(ReportTasksConfiguration.class);

	@Test
	void whenEveryPropertyOfAScheduleIsSetThenItIsMappedToTheRequest() {
		this.contextRunner.withPropertyValues("taskqueue.schedules.weekly.type=report",
				"taskqueue.schedules.weekly.cron=0 0 6 * * MON", "taskqueue.schedules.weekly.zone=America/New_York",
				"taskqueue.schedules.weekly.payload.region=eu", "taskqueue.schedules.weekly.payload.copies=2",
				"taskqueue.schedules.weekly.queue=reports", "taskqueue.schedules.weekly.priority=5",
				"taskqueue.schedules.weekly.paused=true", "taskqueue.schedules.weekly.misfire=run-all",
				"taskqueue.schedules.weekly.misfire-cap=3", "taskqueue.schedules.weekly.catch-up-window=2h",
				"taskqueue.schedules.weekly.overlap=queue-one")
			.run((context) -> assertThat(context.getBean(DeclaredSchedules.class)).contains(ScheduleRequest
				.cron("weekly", "report", "0 0 6 * * MON")
				.zone(ZoneId.of("America/New_York"))
				.payload(Map.of("region", "eu", "copies", "2"))
				.queue("reports")
				.priority(5)
				.paused(true)
				.misfire(MisfirePolicy.runAll(3, Duration.ofHours(2)))
				.overlap(OverlapPolicy.QUEUE_ONE)
				.build()));
	}

	@Test
	void whenAScheduleSetsOnlyTypeAndRateThenTheDefaultsApply() {
		this.contextRunner
			.withPropertyValues("taskqueue.schedules.often.type=report", "taskqueue.schedules.often.fixed-rate=30s")
			.run((context) -> assertThat(context.getBean(DeclaredSchedules.class))
				.contains(ScheduleRequest.fixedRate("often", "report", Duration.ofSeconds(30)).build())
				.filteredOn((schedule) -> schedule.name().equals("often"))
				.singleElement()
				.returns(ZoneOffset.UTC, ScheduleRequest::zone)
				.returns(MisfirePolicy.runLatest(), ScheduleRequest::misfire)
				.returns(OverlapPolicy.ALLOW, ScheduleRequest::overlap)
				.returns(null, ScheduleRequest::payload)
				.returns(false, ScheduleRequest::paused));
	}

	@Test
	void whenAScheduleSetsNoTypeThenItFiresTheTypeOfItsName() {
		this.contextRunner.withPropertyValues("taskqueue.schedules.report.cron=@hourly")
			.run((context) -> assertThat(context.getBean(DeclaredSchedules.class)).extracting(ScheduleRequest::type)
				.contains("report"));
	}

	@ParameterizedTest
	@CsvSource({ "skip, SKIP", "run-latest, RUN_LATEST", "RUN_ALL, RUN_ALL" })
	void whenAMisfirePolicyIsSetThenItIsMapped(String value, MisfirePolicy.Mode mode) {
		this.contextRunner
			.withPropertyValues("taskqueue.schedules.often.type=report", "taskqueue.schedules.often.fixed-rate=1m",
					"taskqueue.schedules.often.misfire=" + value)
			.run((context) -> assertThat(schedule(context.getBean(DeclaredSchedules.class), "often").misfire())
				.isEqualTo((mode == MisfirePolicy.Mode.RUN_ALL) ? MisfirePolicy.runAll(100, Duration.ofDays(1))
						: (mode == MisfirePolicy.Mode.SKIP) ? MisfirePolicy.skip() : MisfirePolicy.runLatest()));
	}

	@ParameterizedTest
	@CsvSource({ "allow, ALLOW", "skip, SKIP", "queue-one, QUEUE_ONE" })
	void whenAnOverlapPolicyIsSetThenItIsMapped(String value, OverlapPolicy policy) {
		this.contextRunner
			.withPropertyValues("taskqueue.schedules.often.type=report", "taskqueue.schedules.often.fixed-rate=1m",
					"taskqueue.schedules.often.overlap=" + value)
			.run((context) -> assertThat(schedule(context.getBean(DeclaredSchedules.class), "often").overlap())
				.isEqualTo(policy));
	}

	@Test
	void whenMisfireIsRunAllWithoutCapOrWindowThenConfigurationAndAnnotationAgreeOnTheDefaults() {
		this.contextRunner.withUserConfiguration(CleanupTasksConfiguration.class)
			.withPropertyValues("taskqueue.schedules.configured.type=cleanup",
					"taskqueue.schedules.configured.fixed-rate=1h", "taskqueue.schedules.configured.misfire=run-all")
			.run((context) -> {
				DeclaredSchedules schedules = context.getBean(DeclaredSchedules.class);
				assertThat(schedule(schedules, "cleanup").misfire()).isEqualTo(MisfirePolicy.runAll(100, Duration.ofDays(1)))
					.isEqualTo(schedule(schedules, "configured").misfire());
			});
	}

	@Test
	void whenAPayloadIsNestedThenItBindsToTheHandlersPayloadType() {
		this.contextRunner
			.withPropertyValues("taskqueue.schedules.digest.type=digest", "taskqueue.schedules.digest.cron=@daily",
					"taskqueue.schedules.digest.payload.recipient.name=ann",
					"taskqueue.schedules.digest.payload.recipient.address=ann@example.com",
					"taskqueue.schedules.digest.payload.maxItems=20")
			.run((context) -> assertThat(schedule(context.getBean(DeclaredSchedules.class), "digest").payload())
				.isEqualTo(Map.of("recipient", Map.of("name", "ann", "address", "ann@example.com"), "maxItems",
						"20")));
	}

	@Test
	void whenATaskMethodDeclaresACronThenItsScheduleIsDeclaredEvenIfTheEngineWasBuiltFirst() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			DeclaredSchedules schedules = context.getBean(DeclaredSchedules.class);
			assertThat(schedules).containsExactly(
					ScheduleRequest.cron("report", "report", "*/10 * * * * *").zone(ZoneId.of("Europe/Berlin")).build());
			assertThat(context.getBean(BuilderCapturingCustomizer.class).builder).extracting("declaredSchedules")
				.isSameAs(schedules);
		});
	}

	@Test
	void whenConfigurationSetsSomePropertiesOfAnAnnotatedScheduleThenItOverridesOnlyThose() {
		this.contextRunner
			.withPropertyValues("taskqueue.schedules.report.overlap=skip", "taskqueue.schedules.report.queue=reports")
			.run((context) -> assertThat(context.getBean(DeclaredSchedules.class)).containsExactly(ScheduleRequest
				.cron("report", "report", "*/10 * * * * *")
				.zone(ZoneId.of("Europe/Berlin"))
				.queue("reports")
				.overlap(OverlapPolicy.SKIP)
				.build()));
	}

	@Test
	void whenConfigurationSetsARateForAnAnnotatedScheduleThenItReplacesTheCron() {
		this.contextRunner.withPropertyValues("taskqueue.schedules.report.fixed-rate=1h")
			.run((context) -> assertThat(schedule(context.getBean(DeclaredSchedules.class), "report"))
				.returns(null, ScheduleRequest::cron)
				.returns(Duration.ofHours(1), ScheduleRequest::fixedRate));
	}

	@Test
	void whenConfigurationDisablesTheCronOfAnAnnotatedScheduleThenNoScheduleIsDeclared() {
		this.contextRunner.withPropertyValues("taskqueue.schedules.report.cron=-")
			.run((context) -> assertThat(context.getBean(DeclaredSchedules.class)).isEmpty());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			taskqueue.schedules.bad.cron=0 0 25 * * *        | taskqueue.schedules.bad.cron
			taskqueue.schedules.bad.zone=Mars/Olympus         | taskqueue.schedules.bad.zone
			taskqueue.schedules.bad.type=nope                 | taskqueue.schedules.bad.type
			taskqueue.schedules.bad.misfire-cap=-1            | taskqueue.schedules.bad.misfire-cap
			taskqueue.schedules.bad.catch-up-window=-1h       | taskqueue.schedules.bad.catch-up-window
			taskqueue.schedules.bad.misfire=sometimes         | taskqueue.schedules.bad.misfire
			taskqueue.schedules[bad.dotted].type=nope         | taskqueue.schedules[bad.dotted].type
			""")
	void whenAScheduleIsInvalidThenStartupFailsNamingTheScheduleAndTheProperty(String propertyAndValue,
			String property) {
		String prefix = property.substring(0, property.lastIndexOf('.'));
		this.contextRunner.withUserConfiguration(StartProbeConfiguration.class)
			.withPropertyValues(prefix + ".type=report", prefix + ".cron=@hourly", propertyAndValue)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(property);
				assertThat(StartProbe.started).isFalse();
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			type=report, cron=@hourly, fixed-rate=1h            | cron
			type=report, queue=reports                          | cron
			type=report, fixed-rate=-5s                         | fixed-rate
			type=report, cron=@hourly, misfire-cap=5            | misfire-cap
			type=report, fixed-rate=1m, catch-up-window=1h      | catch-up-window
			type=digest, cron=@hourly                           | payload
			type=digest, cron=@hourly, payload.maxItems=many    | payload
			""")
	void whenAScheduleIsInconsistentThenStartupFailsNamingTheScheduleAndTheProperty(String properties,
			String property) {
		this.contextRunner.withUserConfiguration(StartProbeConfiguration.class)
			.withPropertyValues(Arrays.stream(properties.split(","))
				.map((keyAndValue) -> "taskqueue.schedules.bad." + keyAndValue.trim())
				.toArray(String[]::new))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.schedules.bad." + property);
				assertThat(StartProbe.started).isFalse();
			});
	}

	@Test
	void whenAnAnnotatedScheduleLacksThePayloadItsMethodRequiresThenStartupFailsNamingTheMethodAndTheProperty() {
		this.contextRunner.withUserConfiguration(WeeklyDigestConfiguration.class, StartProbeConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessage("Invalid @Task method "
						+ "'DeclaredSchedulesAutoConfigurationTests.WeeklyDigest.send': schedule 'weekly-digest': "
						+ "Task type 'weekly-digest' requires a payload: its handler takes a " + Digest.class.getName()
						+ "; a schedule's payload is set with taskqueue.schedules.weekly-digest.payload");
				assertThat(StartProbe.started).isFalse();
			});
	}

	@Test
	void whenConfigurationGivesAnAnnotatedScheduleItsPayloadThenItIsDeclared() {
		this.contextRunner.withUserConfiguration(WeeklyDigestConfiguration.class)
			.withPropertyValues("taskqueue.schedules.weekly-digest.payload.recipient.name=ann",
					"taskqueue.schedules.weekly-digest.payload.maxItems=5")
			.run((context) -> assertThat(schedule(context.getBean(DeclaredSchedules.class), "weekly-digest"))
				.returns("@weekly", ScheduleRequest::cron)
				.returns(Map.of("recipient", Map.of("name", "ann"), "maxItems", "5"), ScheduleRequest::payload));
	}

	private static ScheduleRequest schedule(DeclaredSchedules schedules, String name) {
		return schedules.stream().filter((schedule) -> schedule.name().equals(name)).findFirst().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class ReportTasksConfiguration {

		@Bean
		ReportTasks reportTasks(TaskQueue queue) {
			return new ReportTasks(queue);
		}

		@Bean
		BuilderCapturingCustomizer builderCapturingCustomizer() {
			return new BuilderCapturingCustomizer();
		}

	}

	/** Takes the queue, so that the engine is built before its @Task methods are found. */
	static class ReportTasks {

		private final TaskQueue queue;

		ReportTasks(TaskQueue queue) {
			this.queue = queue;
		}

		@Task(value = "report", cron = "*/10 * * * * *", zone = "Europe/Berlin")
		public void report(@Nullable Map<String, Object> payload) {
		}

		@Task("digest")
		public void digest(Digest digest) {
		}

		TaskQueue queue() {
			return this.queue;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CleanupTasksConfiguration {

		@Bean
		CleanupTasks cleanupTasks() {
			return new CleanupTasks();
		}

	}

	static class CleanupTasks {

		@Task(value = "cleanup", fixedRate = "1h", misfire = "run-all")
		public void cleanUp() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WeeklyDigestConfiguration {

		@Bean
		WeeklyDigest weeklyDigest() {
			return new WeeklyDigest();
		}

	}

	static class WeeklyDigest {

		@Task(value = "weekly-digest", cron = "@weekly")
		public void send(Digest digest) {
		}

	}

	record Digest(Recipient recipient, int maxItems) {
	}

	record Recipient(String name, String address) {
	}

	static class BuilderCapturingCustomizer implements TaskQueueCustomizer {

		private dev.taskqueue.engine.TaskQueueEngine.@Nullable Builder builder;

		@Override
		public void customize(dev.taskqueue.engine.TaskQueueEngine.Builder builder) {
			this.builder = builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartProbeConfiguration {

		@Bean
		StartProbe startProbe() {
			StartProbe.started = false;
			return new StartProbe();
		}

	}

	/**
	 * Starts before every other lifecycle bean, the engine included: if it has not started,
	 * the engine has written nothing.
	 */
	static class StartProbe implements SmartLifecycle {

		static volatile boolean started;

		@Override
		public void start() {
			started = true;
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return started;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE;
		}

	}

}
