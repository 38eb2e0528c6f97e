package dev.taskqueue.enqueue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.taskqueue.TaskState;
import dev.taskqueue.store.TaskStore;

/**
 * Completes futures of tasks when they finish. Tasks that finish on this node are reported as
 * their outcomes are written; for the others, one query every {@link #POLL_INTERVAL} asks which
 * of the watched tasks have finished, while any are watched.
 *
 * @since 0.1.0
 */
public final class TaskWatcher {

	private static final Log logger = LogFactory.getLog(TaskWatcher.class);

	/** How often finished tasks are looked for while any are watched. */
	static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	private final TaskStore store;

	private final Map<UUID, List<CompletableFuture<TaskState>>> watched = new ConcurrentHashMap<>();

	private @Nullable ScheduledExecutorService poller;

	TaskWatcher(TaskStore store) {
		this.store = store;
	}

	/**
	 * Return a future that completes with the task's state once it has finished.
	 * @param id the task id
	 * @return the future
	 */
	CompletableFuture<TaskState> whenFinished(UUID id) {
		CompletableFuture<TaskState> future = new CompletableFuture<>();
		this.watched.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(future);
		future.whenComplete((state, ex) -> forget(id, future));
		ensurePolling();
		check(List.of(id));
		return future;
	}

	/**
	 * Look up the given tasks, if watched, and complete their futures if they have finished.
	 * @param ids the ids of tasks that may have finished
	 */
	public void check(Collection<UUID> ids) {
		List<UUID> candidates = ids.stream().filter(this.watched::containsKey).toList();
		if (candidates.isEmpty()) {
			return;
		}
		try {
			Set<UUID> finished = this.store.finished(candidates);
			for (UUID id : finished) {
				this.store.find(id).ifPresent((state) -> complete(id, state));
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not look up watched tasks; trying again", ex);
		}
	}

	/**
	 * Stop looking for finished tasks; futures not yet complete stay incomplete.
	 */
	public synchronized void stop() {
		if (this.poller != null) {
			this.poller.shutdownNow();
			this.poller = null;
		}
	}

	private void complete(UUID id, TaskState state) {
		List<CompletableFuture<TaskState>> futures = this.watched.remove(id);
		if (futures != null) {
			futures.forEach((future) -> future.complete(state));
		}
	}

	private void forget(UUID id, CompletableFuture<TaskState> future) {
		this.watched.computeIfPresent(id, (key, futures) -> {
			futures.remove(future);
			return futures.isEmpty() ? null : futures;
		});
	}

	private synchronized void ensurePolling() {
		if (this.poller == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("taskqueue-watcher-");
			threads.setDaemon(true);
			this.poller = Executors.newSingleThreadScheduledExecutor(threads);
			this.poller.scheduleWithFixedDelay(() -> check(Set.copyOf(this.watched.keySet())),
					POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

}
