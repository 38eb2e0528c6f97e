package dev.taskqueue.store.jdbc;

import java.time.Instant;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Named leases in the lease table: a lease is held by one node at a time, until a time of the
 * database's clock, and taken by compare-and-set: a node takes it when it is free or lapsed,
 * and renews it while it holds it. Not a leader election: whoever asks first once it lapsed
 * takes it. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class JdbcLeaseStore {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final String takeLease;

	private final String insertLease;

	private final @Nullable String insertLeaseUnlessExists;

	private final String releaseLease;

	/**
	 * Create a store of leases.
	 * @param dataSource the DataSource holding the lease table
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 */
	public JdbcLeaseStore(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.takeLease = Statements.prefixed(dialect.takeLease(), tablePrefix);
		this.insertLease = Statements.prefixed(dialect.insertLease(), tablePrefix);
		String insertLeaseUnlessExists = dialect.insertLeaseUnlessExists();
		this.insertLeaseUnlessExists = (insertLeaseUnlessExists != null)
				? Statements.prefixed(insertLeaseUnlessExists, tablePrefix) : null;
		this.releaseLease = Statements.prefixed(dialect.releaseLease(), tablePrefix);
	}

	/**
	 * Take a lease, or renew it if the holder holds it already.
	 * @param name the lease's name
	 * @param holder who takes it
	 * @param now the time now, on the database's clock
	 * @param until until when to hold it
	 * @return whether the holder holds the lease now
	 */
	public boolean take(String name, String holder, Instant now, Instant until) {
		int taken = this.jdbc.update(this.takeLease, (ps) -> {
			ps.setString(1, holder);
			this.dialect.setInstant(ps, 2, until);
			ps.setString(3, name);
			ps.setString(4, holder);
			this.dialect.setInstant(ps, 5, now);
		});
		return taken == 1 || create(name, holder, until);
	}

	/**
	 * End a lease if the holder holds it, so that another node can take it at once: it is
	 * left lapsed a second ago, since a taker within the same instant, or on a database that
	 * rounds the stored time up, would not find it lapsed at {@code now}.
	 * @param name the lease's name
	 * @param holder its holder
	 * @param now the time now, on the database's clock
	 */
	public void release(String name, String holder, Instant now) {
		this.jdbc.update(this.releaseLease, (ps) -> {
			this.dialect.setInstant(ps, 1, now.minusSeconds(1));
			ps.setString(2, name);
			ps.setString(3, holder);
		});
	}

	/** The first time a lease is taken: whoever inserts its row holds it. */
	private boolean create(String name, String holder, Instant until) {
		String sql = (this.insertLeaseUnlessExists != null) ? this.insertLeaseUnlessExists : this.insertLease;
		try {
			return this.jdbc.update(sql, (ps) -> {
				ps.setString(1, name);
				ps.setString(2, holder);
				this.dialect.setInstant(ps, 3, until);
			}) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

}
