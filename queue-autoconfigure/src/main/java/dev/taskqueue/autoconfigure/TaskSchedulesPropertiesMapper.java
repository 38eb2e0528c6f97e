package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringUtils;
import tools.jackson.databind.ObjectMapper;

import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.annotation.DeclaredSchedules;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Maps {@link TaskQueueProperties#getSchedules() taskqueue.schedules} over the schedules that
 * {@code @Task} methods declare, property by property, and checks every declared schedule
 * against the task types, so that a bad one fails startup, naming the schedule and the
 * property, before anything is written.
 */
final class TaskSchedulesPropertiesMapper implements DeclaredSchedules.Resolver {

	private static final String CRON_DISABLED = "-";

	private static final int DEFAULT_MISFIRE_CAP = 100;

	private static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofDays(1);

	private final Map<String, TaskQueueProperties.Schedule> schedules;

	private final PayloadCodec codec;

	TaskSchedulesPropertiesMapper(Map<String, TaskQueueProperties.Schedule> schedules, ObjectMapper mapper) {
		this.schedules = schedules;
		this.codec = new PayloadCodec(mapper);
	}

	@Override
	public List<ScheduleRequest> resolve(Map<String, DeclaredSchedules.Declaration> declarations,
			TaskTypeRegistry registry) {
		RequestResolver tasks = new RequestResolver(registry, this.codec);
		List<ScheduleRequest> resolved = new ArrayList<>();
		declarations.forEach((name, declaration) -> {
			if (!this.schedules.containsKey(name)) {
				check(declaration.request(), tasks, (property, reason) -> new IllegalStateException(
						"Invalid %s: schedule '%s': %s".formatted(declaration.source(), name, reason)));
				resolved.add(declaration.request());
			}
		});
		this.schedules.forEach((name, schedule) -> {
			DeclaredSchedules.Declaration declaration = declarations.get(name);
			ScheduleRequest request = getRequest(name, schedule, (declaration != null) ? declaration.request() : null);
			if (request != null) {
				check(request, tasks, (property, reason) -> new InvalidConfigurationPropertyValueException(
						property(name, property), ("type".equals(property)) ? request.type() : request.payload(),
						reason));
				resolved.add(request);
			}
		});
		return resolved;
	}

	/**
	 * Return the configured schedule over the declared one, or {@code null} if its cron is
	 * {@code "-"}.
	 */
	private @Nullable ScheduleRequest getRequest(String name, TaskQueueProperties.Schedule schedule,
			@Nullable ScheduleRequest declared) {
		if (name.length() > ScheduleRequest.MAX_NAME_LENGTH) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.schedules", name,
					"Schedule names are at most %d characters".formatted(ScheduleRequest.MAX_NAME_LENGTH));
		}
		boolean configuresWhen = StringUtils.hasText(schedule.getCron()) || schedule.getFixedRate() != null;
		String cron = configuresWhen ? emptyToNull(schedule.getCron()) : (declared != null) ? declared.cron() : null;
		Duration fixedRate = configuresWhen ? schedule.getFixedRate() : (declared != null) ? declared.fixedRate() : null;
		if (CRON_DISABLED.equals(cron)) {
			return null;
		}
		if ((cron == null) == (fixedRate == null)) {
			throw new InvalidConfigurationPropertyValueException(property(name, "cron"), cron,
					"Schedule '%s' must have exactly one of 'cron' and 'fixed-rate'".formatted(name));
		}
		if (cron != null) {
			try {
				CronExpression.parse(cron);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property(name, "cron"), cron,
						"Cron expression of schedule '%s' is invalid: %s".formatted(name, ex.getMessage()));
			}
		}
		if (fixedRate != null && (fixedRate.isNegative() || fixedRate.isZero())) {
			throw new InvalidConfigurationPropertyValueException(property(name, "fixed-rate"), print(fixedRate),
					"Fixed rate of schedule '%s' must be positive".formatted(name));
		}
		String type = (schedule.getType() != null) ? schedule.getType() : (declared != null) ? declared.type() : name;
		if (!StringUtils.hasText(type)) {
			throw new InvalidConfigurationPropertyValueException(property(name, "type"), type,
					"Type of schedule '%s' must not be empty".formatted(name));
		}
		String queue = (schedule.getQueue() != null) ? schedule.getQueue() : (declared != null) ? declared.queue() : null;
		if (queue != null && !StringUtils.hasText(queue)) {
			throw new InvalidConfigurationPropertyValueException(property(name, "queue"), queue,
					"Queue of schedule '%s' must not be blank".formatted(name));
		}
		ScheduleRequest.Builder builder = (cron != null) ? ScheduleRequest.cron(name, type, cron)
				: ScheduleRequest.fixedRate(name, type, fixedRate);
		ZoneId zone = (schedule.getZone() != null) ? schedule.getZone()
				: (declared != null) ? declared.zone() : ZoneOffset.UTC;
		return builder.zone(zone)
			.payload(!schedule.getPayload().isEmpty() ? Collections.unmodifiableMap(new LinkedHashMap<>(schedule.getPayload()))
					: (declared != null) ? declared.payload() : null)
			.queue(queue)
			.priority((schedule.getPriority() != null) ? schedule.getPriority()
					: (declared != null) ? declared.priority() : null)
			.paused(schedule.isPaused())
			.misfire(getMisfire(name, schedule, (declared != null) ? declared.misfire() : MisfirePolicy.runLatest()))
			.overlap((schedule.getOverlap() != null) ? schedule.getOverlap()
					: (declared != null) ? declared.overlap() : OverlapPolicy.ALLOW)
			.build();
	}

	private static MisfirePolicy getMisfire(String name, TaskQueueProperties.Schedule schedule,
			MisfirePolicy declared) {
		MisfirePolicy.Mode mode = (schedule.getMisfire() != null) ? schedule.getMisfire() : declared.mode();
		Integer cap = schedule.getMisfireCap();
		Duration window = schedule.getCatchUpWindow();
		if (cap != null && cap < 1) {
			throw new InvalidConfigurationPropertyValueException(property(name, "misfire-cap"), cap,
					"Misfire cap of schedule '%s' must be at least 1".formatted(name));
		}
		if (window != null && (window.isNegative() || window.isZero())) {
			throw new InvalidConfigurationPropertyValueException(property(name, "catch-up-window"), print(window),
					"Catch-up window of schedule '%s' must be positive".formatted(name));
		}
		if (mode != MisfirePolicy.Mode.RUN_ALL && (cap != null || window != null)) {
			throw new InvalidConfigurationPropertyValueException(
					property(name, (cap != null) ? "misfire-cap" : "catch-up-window"), (cap != null) ? cap : print(window),
					"Schedule '%s' runs missed slots only with misfire 'run-all', not '%s'".formatted(name,
							mode.name().toLowerCase(Locale.ROOT).replace('_', '-')));
		}
		return switch (mode) {
			case SKIP -> MisfirePolicy.skip();
			case RUN_LATEST -> MisfirePolicy.runLatest();
			case RUN_ALL -> MisfirePolicy.runAll(
					(cap != null) ? cap : (declared.mode() == MisfirePolicy.Mode.RUN_ALL) ? declared.cap() : DEFAULT_MISFIRE_CAP,
					(window != null) ? window
							: (declared.mode() == MisfirePolicy.Mode.RUN_ALL) ? declared.window() : DEFAULT_CATCH_UP_WINDOW);
		};
	}

	/**
	 * Check that a slot's task could be enqueued as the schedule fires it: its type has an
	 * enabled handler, and its payload is there if required and binds to the handler's
	 * parameter.
	 */
	private static void check(ScheduleRequest request, RequestResolver tasks, Failure failure) {
		TaskRequest.Builder task = TaskRequest.builder(request.type()).payload(request.payload());
		if (request.queue() != null) {
			task.queue(request.queue());
		}
		if (request.priority() != null) {
			task.priority(request.priority());
		}
		try {
			tasks.task(task.build(), null, Instant.EPOCH);
		}
		catch (TaskPayloadException ex) {
			throw failure.of("payload", ex.getMessage() + "; a schedule's payload is set with "
					+ property(request.name(), "payload"));
		}
		catch (TaskQueueException ex) {
			throw failure.of("type", ex.getMessage());
		}
	}

	private static String property(String name, String option) {
		String key = name.contains(".") ? "taskqueue.schedules[" + name + "]" : "taskqueue.schedules." + name;
		return key + "." + option;
	}

	private static String print(Duration duration) {
		return DurationFormatterUtils.print(duration, DurationFormat.Style.COMPOSITE);
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	/** Makes the exception a failed check throws, naming the property. */
	@FunctionalInterface
	private interface Failure {

		RuntimeException of(String property, String reason);

	}

}
