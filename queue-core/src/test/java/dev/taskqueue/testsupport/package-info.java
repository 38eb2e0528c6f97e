/**
 * Test support: databases for the contract suites.
 */
@NullMarked
package dev.taskqueue.testsupport;

import org.jspecify.annotations.NullMarked;
