package dev.taskqueue.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.util.Assert;

import dev.taskqueue.store.DaemonRow;
import dev.taskqueue.store.DaemonStore;

/**
 * {@link TaskDaemons} on the daemons' rows: a daemon's status is told from its row and its
 * lease, on the database's clock.
 */
final class DaemonControl implements TaskDaemons {

	private final DaemonStore store;

	private final Clock clock;

	DaemonControl(DaemonStore store, Clock clock) {
		this.store = store;
		this.clock = clock;
	}

	@Override
	public List<DaemonState> list() {
		Instant now = this.clock.instant();
		return this.store.list().stream().map((row) -> state(row, now)).toList();
	}

	@Override
	public Optional<DaemonState> find(String name) {
		Assert.hasText(name, "'name' must not be empty");
		Instant now = this.clock.instant();
		return this.store.find(name).map((row) -> state(row, now));
	}

	@Override
	public void start(String name) {
		Assert.hasText(name, "'name' must not be empty");
		if (!this.store.start(name)) {
			throw new DaemonNotFoundException(name);
		}
	}

	@Override
	public void stop(String name) {
		Assert.hasText(name, "'name' must not be empty");
		if (!this.store.stop(name, this.clock.instant())) {
			throw new DaemonNotFoundException(name);
		}
	}

	@Override
	public void restart(String name) {
		Assert.hasText(name, "'name' must not be empty");
		if (!this.store.restart(name)) {
			throw new DaemonNotFoundException(name);
		}
	}

	private static DaemonState state(DaemonRow row, Instant now) {
		boolean held = row.isHeld(now);
		DaemonStatus status;
		if (!row.started()) {
			status = held ? DaemonStatus.STOPPING : DaemonStatus.STOPPED;
		}
		else if (!held) {
			status = DaemonStatus.WAITING;
		}
		else {
			status = "BACKING_OFF".equals(row.status()) ? DaemonStatus.BACKING_OFF : DaemonStatus.RUNNING;
		}
		return new DaemonState(row.name(), status, held ? row.holder() : null, held ? row.leaseUntil() : null,
				row.lastHeartbeat(), row.lastError(), row.restarts(), row.startedAt());
	}

}
