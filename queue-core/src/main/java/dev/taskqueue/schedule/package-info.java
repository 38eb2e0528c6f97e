/**
 * Recurring tasks: schedules stored in the database that fire one task per slot, on cron
 * expressions or at fixed rates, without a leader.
 */
@NullMarked
package dev.taskqueue.schedule;

import org.jspecify.annotations.NullMarked;
