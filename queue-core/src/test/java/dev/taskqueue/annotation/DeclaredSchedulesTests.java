package dev.taskqueue.annotation;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Schedules that {@link Task @Task} methods declare, found by the
 * {@link TaskAnnotationBeanPostProcessor} in a plain Spring context.
 */
class DeclaredSchedulesTests {

	@Test
	void cronMethodDeclaresAScheduleNamedAfterItsTypeWithPlaceholdersResolved() {
		try (AnnotationConfigApplicationContext context = context(ReportTasks.class)) {
			assertThat(context.getBean(DeclaredSchedules.class)).containsExactly(
					ScheduleRequest.cron("report", "report", "0 0 2 * * *").zone(ZoneId.of("Europe/Berlin")).build());
		}
	}

	@Test
	void fixedRateMethodDeclaresANamedScheduleWithItsPolicies() {
		try (AnnotationConfigApplicationContext context = context(CleanupTasks.class)) {
			assertThat(context.getBean(DeclaredSchedules.class)).containsExactly(ScheduleRequest
				.fixedRate("cleanup-every-minute", "cleanup", Duration.ofMinutes(1))
				.misfire(MisfirePolicy.runAll(ScheduleAttributes.DEFAULT_MISFIRE_CAP,
						ScheduleAttributes.DEFAULT_CATCH_UP_WINDOW))
				.overlap(OverlapPolicy.QUEUE_ONE)
				.build());
		}
	}

	@Test
	void methodWithoutCronOrWithTheDisabledCronDeclaresNoSchedule() {
		try (AnnotationConfigApplicationContext context = context(UnscheduledTasks.class)) {
			assertThat(context.getBean(DeclaredSchedules.class)).isEmpty();
			assertThat(context.getBean(TaskTypeRegistry.class).find("switched-off")).isNotNull();
		}
	}

	@Test
	void schedulesAreReadOnlyOnceEveryTaskMethodIsFound() {
		DeclaredSchedules schedules = new DeclaredSchedules();
		schedules.declare(ScheduleRequest.cron("report", "report", "@daily").build(), "@Task method 'Reports.run'");
		assertThatIllegalStateException().isThrownBy(schedules::size)
			.withMessage("Declared schedules are read before every @Task method was found: read them when the engine starts");
		schedules.initialize(new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE));
		assertThat(schedules).extracting(ScheduleRequest::zone).containsExactly(ZoneOffset.UTC);
	}

	@Test
	void invalidCronFailsNamingTheMethodTheScheduleAndTheAttribute() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(InvalidCron.class))
			.havingCause()
			.withMessageStartingWith("Invalid @Task method 'DeclaredSchedulesTests.InvalidCron.run': "
					+ "'cron' of schedule 'broken' is invalid: '0 0 25 * * *'");
	}

	@Test
	void unknownZoneFailsNamingTheMethodAndTheZone() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(UnknownZone.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.UnknownZone.run': "
					+ "zone 'Mars/Olympus' is not a time zone such as UTC or Europe/Berlin");
	}

	@Test
	void cronAndFixedRateTogetherFailNamingTheMethod() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(CronAndRate.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.CronAndRate.run': "
					+ "it must have only one of cron and fixedRate");
	}

	@Test
	void negativeFixedRateFailsNamingTheScheduleAndTheAttribute() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(NegativeRate.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.NegativeRate.run': "
					+ "'fixed-rate' of schedule 'backwards' must be a positive whole number of milliseconds");
	}

	@Test
	void unknownPolicyFailsNamingTheMethodAndTheValues() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(UnknownPolicy.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.UnknownPolicy.run': "
					+ "overlap 'wait' is none of allow, skip and queue-one");
	}

	@Test
	void twoMethodsDeclaringOneScheduleFailNamingBoth() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> context(ReportTasks.class, SecondReport.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.SecondReport.run': schedule 'report' is "
					+ "already declared by @Task method 'DeclaredSchedulesTests.ReportTasks.run'");
	}

	@Test
	void scheduleWithoutDeclaredSchedulesBeanFailsNamingTheMethod() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> context(false, ReportTasks.class))
			.havingCause()
			.withMessage("Invalid @Task method 'DeclaredSchedulesTests.ReportTasks.run': it declares a schedule, "
					+ "but there is no DeclaredSchedules bean to hand it to the engine");
	}

	private AnnotationConfigApplicationContext context(Class<?>... beans) {
		return context(true, beans);
	}

	private AnnotationConfigApplicationContext context(boolean declaredSchedules, Class<?>... beans) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("report.zone", "Europe/Berlin")));
		context.registerBean(TaskTypeRegistry.class, () -> new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE));
		if (declaredSchedules) {
			context.registerBean(DeclaredSchedules.class, () -> new DeclaredSchedules());
		}
		context.register(Infrastructure.class);
		context.register(beans);
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

	static class ReportTasks {

		@Task(value = "report", cron = "0 0 2 * * *", zone = "${report.zone}")
		public void run() {
		}

	}

	static class SecondReport {

		@Task(value = "report.second", schedule = "report", cron = "@daily")
		public void run() {
		}

	}

	static class CleanupTasks {

		@Task(value = "cleanup", schedule = "cleanup-every-minute", fixedRate = "1m", misfire = "run-all",
				overlap = "queue-one")
		public void run() {
		}

	}

	static class UnscheduledTasks {

		@Task("plain")
		public void plain() {
		}

		@Task(value = "switched-off", cron = "${switched-off.cron:-}")
		public void switchedOff() {
		}

	}

	static class InvalidCron {

		@Task(value = "broken", cron = "0 0 25 * * *")
		public void run() {
		}

	}

	static class UnknownZone {

		@Task(value = "martian", cron = "@hourly", zone = "Mars/Olympus")
		public void run() {
		}

	}

	static class CronAndRate {

		@Task(value = "both", cron = "@hourly", fixedRate = "1h")
		public void run() {
		}

	}

	static class NegativeRate {

		@Task(value = "backwards", fixedRate = "-5s")
		public void run() {
		}

	}

	static class UnknownPolicy {

		@Task(value = "waiting", cron = "@hourly", overlap = "wait")
		public void run() {
		}

	}

}
