package dev.taskqueue.schedule;

/**
 * What a schedule does when a slot is due while the task of an earlier slot is still
 * unfinished (waiting, ready or running). Every skipped slot is logged and counted.
 *
 * @since 0.1.0
 */
public enum OverlapPolicy {

	/** Fire the slot anyway: tasks of several slots may run at once. The default. */
	ALLOW,

	/** Skip the slot. */
	SKIP,

	/**
	 * Fire the slot, but its task runs only after the earlier slot's task has ended; at most
	 * one such slot waits, further ones are skipped.
	 */
	QUEUE_ONE

}
