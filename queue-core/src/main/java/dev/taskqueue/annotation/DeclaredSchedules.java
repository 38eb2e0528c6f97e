package dev.taskqueue.annotation;

import java.util.AbstractCollection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The schedules an application declares in code and configuration, as handed to
 * {@code TaskQueueEngine.Builder#schedules}. {@link Task @Task} methods declare theirs while the
 * application starts; once every singleton exists, {@link #initialize(TaskTypeRegistry)} applies
 * configuration over them, checks them, and freezes the collection. It can be read only then,
 * which is when the engine starts: a bean that needs the queue may create the engine before
 * every {@code @Task} method is found.
 *
 * @since 0.1.0
 */
public final class DeclaredSchedules extends AbstractCollection<ScheduleRequest> {

	private final Resolver resolver;

	private final Map<String, Declaration> declarations = new LinkedHashMap<>();

	private volatile @Nullable List<ScheduleRequest> resolved;

	/**
	 * Create the schedules that {@code @Task} methods declare, as they declare them.
	 */
	public DeclaredSchedules() {
		this((declarations, registry) -> declarations.values().stream().map(Declaration::request).toList());
	}

	/**
	 * Create the schedules that {@code @Task} methods declare, resolved by the given resolver.
	 * @param resolver applies configuration over the schedules declared in code and checks them
	 */
	public DeclaredSchedules(Resolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * Declare a schedule.
	 * @param request the schedule
	 * @param source where it is declared, for messages
	 * @throws IllegalStateException if a schedule of that name is already declared, or the
	 * schedules are already initialized
	 */
	public synchronized void declare(ScheduleRequest request, String source) {
		Assert.state(this.resolved == null, "Declared schedules are already initialized");
		Declaration existing = this.declarations.get(request.name());
		if (existing != null) {
			throw new IllegalStateException("Invalid %s: schedule '%s' is already declared by %s".formatted(source,
					request.name(), existing.source()));
		}
		this.declarations.put(request.name(), new Declaration(request, source));
	}

	/**
	 * Resolve the declared schedules, once every handler is registered, and freeze them. Later
	 * calls do nothing.
	 * @param registry the task types, initialized
	 * @throws RuntimeException naming the schedule and the property, if a declared schedule
	 * is invalid
	 */
	public synchronized void initialize(TaskTypeRegistry registry) {
		if (this.resolved == null) {
			this.resolved = List.copyOf(this.resolver.resolve(Collections.unmodifiableMap(new LinkedHashMap<>(this.declarations)),
					registry));
		}
	}

	@Override
	public Iterator<ScheduleRequest> iterator() {
		return resolved().iterator();
	}

	@Override
	public int size() {
		return resolved().size();
	}

	private List<ScheduleRequest> resolved() {
		List<ScheduleRequest> resolved = this.resolved;
		Assert.state(resolved != null,
				"Declared schedules are read before every @Task method was found: read them when the engine starts");
		return resolved;
	}

	/**
	 * A schedule declared in code, and where.
	 *
	 * @param request the schedule
	 * @param source where it is declared, such as {@code @Task method 'Reports.nightly'}
	 */
	public record Declaration(ScheduleRequest request, String source) {

	}

	/**
	 * Turns the schedules declared in code into the declared schedules: applies configuration
	 * over them and checks each one against the task types, before anything is written.
	 */
	@FunctionalInterface
	public interface Resolver {

		/**
		 * Resolve the declared schedules.
		 * @param declarations the schedules declared in code, by name
		 * @param registry the task types, initialized
		 * @return the declared schedules
		 * @throws RuntimeException naming the schedule and the property, if one is invalid
		 */
		List<ScheduleRequest> resolve(Map<String, Declaration> declarations, TaskTypeRegistry registry);

	}

}
