package dev.taskqueue.store.jdbc;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

import dev.taskqueue.browse.AuditEntry;
import dev.taskqueue.browse.AuditTrail;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.TaskBrowser;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The {@link AuditTrail} in the audit table of a JDBC DataSource.
 *
 * @since 0.1.0
 */
public final class JdbcAuditTrail implements AuditTrail {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final String insert;

	private final String firstPage;

	private final String nextPage;

	/**
	 * Create an audit trail.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 */
	public JdbcAuditTrail(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.insert = Statements.prefixed(dialect.insertAuditEntry(), tablePrefix);
		this.firstPage = Statements.prefixed(dialect.browseAuditEntries(false), tablePrefix);
		this.nextPage = Statements.prefixed(dialect.browseAuditEntries(true), tablePrefix);
	}

	@Override
	public void record(AuditEntry entry) {
		this.jdbc.update(this.insert, (ps) -> {
			this.dialect.setId(ps, 1, entry.id());
			this.dialect.setInstant(ps, 2, entry.at());
			ps.setString(3, entry.user());
			ps.setString(4, entry.action());
			ps.setString(5, entry.target());
			ps.setInt(6, entry.tasks());
			ps.setString(7, entry.detail());
		});
	}

	@Override
	public Page<AuditEntry> entries(@Nullable UUID after, int limit) {
		Assert.isTrue(limit > 0 && limit <= TaskBrowser.MAX_PAGE_SIZE,
				() -> "'limit' must be between 1 and " + TaskBrowser.MAX_PAGE_SIZE + ", not " + limit);
		List<AuditEntry> read = this.jdbc.query((after != null) ? this.nextPage : this.firstPage, (ps) -> {
			int index = 1;
			if (after != null) {
				this.dialect.setId(ps, index++, after);
			}
			ps.setInt(index, limit + 1);
		}, (rs, rowNum) -> new AuditEntry(this.dialect.getId(rs, "id"), this.dialect.getInstant(rs, "recorded_at"),
				rs.getString("user_name"), rs.getString("action"), rs.getString("target"), rs.getInt("tasks"),
				rs.getString("detail")));
		return Page.of(read, limit, AuditEntry::id);
	}

}
