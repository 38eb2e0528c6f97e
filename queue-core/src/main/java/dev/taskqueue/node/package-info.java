/**
 * The nodes of a cluster: the registry of live nodes that run workers, and the run limits
 * after which a node stops so that a process manager can start a fresh one.
 */
@NullMarked
package dev.taskqueue.node;

import org.jspecify.annotations.NullMarked;
