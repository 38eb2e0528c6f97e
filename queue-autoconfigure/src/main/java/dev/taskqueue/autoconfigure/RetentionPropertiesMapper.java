package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.taskqueue.TaskStatus;
import dev.taskqueue.retention.RetentionPolicy;

/**
 * Maps {@link TaskQueueProperties#getRetention() taskqueue.retention} to the core
 * {@link RetentionPolicy}. A period out of range fails naming its property.
 */
final class RetentionPropertiesMapper {

	private static final String PREFIX = "taskqueue.retention.";

	private final TaskQueueProperties.Retention properties;

	RetentionPropertiesMapper(TaskQueueProperties.Retention properties) {
		this.properties = properties;
	}

	/**
	 * Map the configured retention.
	 * @return the policy; one that keeps everything when retention is disabled
	 * @throws InvalidConfigurationPropertyValueException if a period is out of range
	 */
	RetentionPolicy asRetentionPolicy() {
		if (!this.properties.isEnabled()) {
			return RetentionPolicy.keepEverything();
		}
		RetentionPolicy policy = RetentionPolicy.defaults();
		policy = keep(policy, PREFIX + "succeeded", TaskStatus.SUCCEEDED, this.properties.getSucceeded(), null);
		policy = keep(policy, PREFIX + "failed", TaskStatus.FAILED, this.properties.getFailed(), null);
		policy = keep(policy, PREFIX + "cancelled", TaskStatus.CANCELLED, this.properties.getCancelled(), null);
		for (var entry : this.properties.getTypes().entrySet()) {
			String type = entry.getKey();
			TaskQueueProperties.TypeRetention retention = entry.getValue();
			UnaryOperator<String> property = (option) -> PREFIX
					+ (type.contains(".") ? "types[" + type + "]." : "types." + type + ".") + option;
			policy = keep(policy, property.apply("succeeded"), TaskStatus.SUCCEEDED, retention.getSucceeded(), type);
			policy = keep(policy, property.apply("failed"), TaskStatus.FAILED, retention.getFailed(), type);
			policy = keep(policy, property.apply("cancelled"), TaskStatus.CANCELLED, retention.getCancelled(), type);
		}
		return policy;
	}

	private static RetentionPolicy keep(RetentionPolicy policy, String property, TaskStatus status,
			@Nullable Duration period, @Nullable String type) {
		if (period == null) {
			return policy;
		}
		try {
			return (type != null) ? policy.keep(type, status, period) : policy.keep(status, period);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, period, ex.getMessage());
		}
	}

}
