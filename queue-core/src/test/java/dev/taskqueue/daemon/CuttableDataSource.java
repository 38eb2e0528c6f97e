package dev.taskqueue.daemon;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A DataSource whose database can be made unreachable, as for a node that was killed or cut
 * off: its threads go on, but none of its statements reaches the database any more.
 */
final class CuttableDataSource extends DelegatingDataSource {

	private volatile boolean cut;

	CuttableDataSource(DataSource dataSource) {
		super(dataSource);
	}

	void cut() {
		this.cut = true;
	}

	@Override
	public Connection getConnection() throws SQLException {
		if (this.cut) {
			throw new SQLTransientConnectionException("Cut off from the database by the test");
		}
		return super.getConnection();
	}

}
