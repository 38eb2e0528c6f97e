package dev.taskqueue.dashboard;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.TaskFilter;

/**
 * Reads the values of dashboard requests, refusing bad ones with a message that names the
 * culprit.
 */
final class DashboardRequests {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	private DashboardRequests() {
	}

	static TaskFilter filter(@Nullable String status, @Nullable String type, @Nullable String queue,
			@Nullable String job, @Nullable String from, @Nullable String to) {
		Instant fromTime = instant("from", from);
		Instant toTime = instant("to", to);
		if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
			throw new BadRequestException("'from' (" + from + ") must be before 'to' (" + to + ")");
		}
		return new TaskFilter(taskStatus(status), text(type), text(queue), id("job", job), fromTime, toTime);
	}

	static TaskFilter filter(Map<String, String> filter) {
		for (String name : filter.keySet()) {
			if (!Arrays.asList("status", "type", "queue", "job", "from", "to").contains(name)) {
				throw new BadRequestException(
						"Unknown filter '" + name + "'; expected status, type, queue, job, from or to");
			}
		}
		return filter(filter.get("status"), filter.get("type"), filter.get("queue"), filter.get("job"),
				filter.get("from"), filter.get("to"));
	}

	static @Nullable TaskStatus taskStatus(@Nullable String status) {
		if (!StringUtils.hasText(status)) {
			return null;
		}
		try {
			return TaskStatus.valueOf(status);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException(
					"Unknown status '" + status + "'; expected one of " + Arrays.toString(TaskStatus.values()));
		}
	}

	static @Nullable JobStatus jobStatus(@Nullable String status) {
		if (!StringUtils.hasText(status)) {
			return null;
		}
		try {
			return JobStatus.valueOf(status);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException(
					"Unknown job status '" + status + "'; expected one of " + Arrays.toString(JobStatus.values()));
		}
	}

	static int limit(@Nullable String limit) {
		if (!StringUtils.hasText(limit)) {
			return DEFAULT_LIMIT;
		}
		try {
			int value = Integer.parseInt(limit);
			if (value >= 1 && value <= MAX_LIMIT) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// Refused below, as a number out of range is
		}
		throw new BadRequestException("'limit' must be a number from 1 to " + MAX_LIMIT + ", not '" + limit + "'");
	}

	static @Nullable UUID cursor(@Nullable String cursor) {
		return id("cursor", cursor);
	}

	static @Nullable UUID id(String name, @Nullable String id) {
		if (!StringUtils.hasText(id)) {
			return null;
		}
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException("'" + name + "' must be an id, not '" + id + "'");
		}
	}

	static UUID requiredId(String name, @Nullable String id) {
		UUID value = id(name, id);
		if (value == null) {
			throw new BadRequestException("'" + name + "' must hold ids, not an empty one");
		}
		return value;
	}

	private static @Nullable Instant instant(String name, @Nullable String time) {
		if (!StringUtils.hasText(time)) {
			return null;
		}
		try {
			return Instant.parse(time);
		}
		catch (DateTimeParseException ex) {
			throw new BadRequestException(
					"'" + name + "' must be an ISO-8601 time such as 2026-12-03T19:50:00Z, not '" + time + "'");
		}
	}

	private static @Nullable String text(@Nullable String value) {
		return StringUtils.hasLength(value) ? value : null;
	}

	/**
	 * A request the dashboard refuses, answered with 400.
	 */
	static class BadRequestException extends RuntimeException {

		BadRequestException(String message) {
			super(message);
		}

	}

	/**
	 * An action by a user who may not take it, answered with 403.
	 */
	static class ForbiddenException extends RuntimeException {

		ForbiddenException(String message) {
			super(message);
		}

	}

	/**
	 * A task or job that does not exist, answered with 404.
	 */
	static class NotFoundException extends RuntimeException {

		NotFoundException(String message) {
			super(message);
		}

	}

}
