/**
 * The store SPI: the only door to the database. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.store;

import org.jspecify.annotations.NullMarked;
