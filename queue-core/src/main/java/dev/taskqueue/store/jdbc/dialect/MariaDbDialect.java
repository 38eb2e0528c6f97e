package dev.taskqueue.store.jdbc.dialect;

/**
 * MariaDB 10.6 and later: as MySQL, with its own schema script.
 *
 * @since 0.1.0
 */
class MariaDbDialect extends MySqlDialect {

	@Override
	public String platform() {
		return "mariadb";
	}

}
