/**
 * SQL per database, behind one dialect seam. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.store.jdbc.dialect;

import org.jspecify.annotations.NullMarked;
