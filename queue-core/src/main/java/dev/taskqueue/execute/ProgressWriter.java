package dev.taskqueue.execute;

import java.util.ArrayList;
import java.util.List;

import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.ProgressReport;
import dev.taskqueue.store.TaskStore;

/**
 * Writes the progress handlers report, throttled: each call writes the latest unwritten report
 * of every task running on this node in one batch, however often handlers reported since. The
 * engine calls it once per progress interval. The last report of an attempt goes with its
 * outcome instead (see {@link Worker}), so that it is not lost when the task ends between two
 * writes. Skipped while the database is unreachable: the next call writes what is latest then.
 *
 * @since 0.1.0
 */
public final class ProgressWriter {

	private final TaskStore store;

	private final Worker worker;

	private final DatabaseOutage outage;

	/**
	 * Create a progress writer.
	 * @param store the store
	 * @param worker the worker whose running tasks report progress
	 * @param outage where database failures are reported
	 */
	public ProgressWriter(TaskStore store, Worker worker, DatabaseOutage outage) {
		this.store = store;
		this.worker = worker;
		this.outage = outage;
	}

	/**
	 * Write the latest unwritten progress of the running tasks.
	 */
	public void writeLatest() {
		if (this.outage.isBackingOff()) {
			return;
		}
		List<RunningTask> reporting = new ArrayList<>();
		List<ProgressReport> reports = new ArrayList<>();
		for (RunningTask task : this.worker.running()) {
			ProgressReport report = task.unwrittenProgress();
			if (report != null) {
				reporting.add(task);
				reports.add(report);
			}
		}
		if (reports.isEmpty()) {
			return;
		}
		try {
			this.store.writeProgress(reports);
			this.outage.succeeded();
		}
		catch (RuntimeException ex) {
			this.outage.failed("write the progress of running tasks", ex);
			return;
		}
		for (int i = 0; i < reports.size(); i++) {
			reporting.get(i).progressWritten(reports.get(i));
		}
	}

}
