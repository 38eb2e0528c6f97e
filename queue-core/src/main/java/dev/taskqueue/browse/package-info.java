/**
 * Read models for operators: tasks filtered and paged by keyset, a task's relatives and its
 * flow, jobs with their counts, throughput, and the audit trail of operators' actions.
 */
@NullMarked
package dev.taskqueue.browse;

import org.jspecify.annotations.NullMarked;
