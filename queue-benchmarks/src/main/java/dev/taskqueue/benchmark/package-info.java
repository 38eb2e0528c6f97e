/**
 * Benchmarks of TaskQueue on PostgreSQL, side by side with db-scheduler: drain rate, idle
 * pickup latency and claim cost against backlog; and, for TaskQueue alone, chains of dependent
 * tasks and jobs. Run on demand with {@link dev.taskqueue.benchmark.Benchmarks}; never part of
 * the build's tests.
 */
package dev.taskqueue.benchmark;
