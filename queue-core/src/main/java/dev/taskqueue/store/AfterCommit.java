package dev.taskqueue.store;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs actions once the transaction of the current thread has committed, or at once outside
 * a transaction. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class AfterCommit {

	private AfterCommit() {
	}

	/**
	 * Run an action once the current transaction committed: never if it rolls back, and at
	 * once if there is no transaction.
	 * @param action the action
	 */
	public static void run(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					action.run();
				}

			});
		}
		else {
			action.run();
		}
	}

}
