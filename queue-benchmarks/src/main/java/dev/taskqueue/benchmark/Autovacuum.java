package dev.taskqueue.benchmark;

import javax.sql.DataSource;

/**
 * The PostgreSQL server's {@code autovacuum} setting, switched for a phase with {@code ALTER SYSTEM}
 * and put back as it was on {@link #close()}: set again in {@code postgresql.auto.conf} when it was
 * set there, reset otherwise. Needs a superuser.
 */
final class Autovacuum implements AutoCloseable {

	private static final long RELOAD_TIMEOUT_MILLIS = 10_000;

	private final DataSource dataSource;

	private final String previous;

	private final boolean previousFromAlterSystem;

	/** Puts the setting back should the run be interrupted (Ctrl-C), where no finally block runs. */
	private final Thread onExit = new Thread(this::restore, "bench-autovacuum-restore");

	private Autovacuum(DataSource dataSource) {
		this.dataSource = dataSource;
		this.previous = current(dataSource);
		// pg_file_settings reads the files now; pg_settings is as stale as the session's last reload
		this.previousFromAlterSystem = !"0".equals(Db.queryString(dataSource, "SELECT count(*) FROM pg_file_settings "
				+ "WHERE name = 'autovacuum' AND sourcefile LIKE '%/postgresql.auto.conf'"));
	}

	/** Switch autovacuum on or off until {@link #close()}. */
	static Autovacuum set(DataSource dataSource, boolean on) {
		Autovacuum autovacuum = new Autovacuum(dataSource);
		Runtime.getRuntime().addShutdownHook(autovacuum.onExit);
		try {
			autovacuum.apply("ALTER SYSTEM SET autovacuum = " + (on ? "on" : "off"), on ? "on" : "off");
		}
		catch (RuntimeException ex) {
			try {
				autovacuum.close();
			}
			catch (RuntimeException restoreFailure) {
				ex.addSuppressed(restoreFailure);
			}
			throw ex;
		}
		System.out.println("   autovacuum " + (on ? "on" : "off") + " (was " + autovacuum.previous + ")");
		return autovacuum;
	}

	static String current(DataSource dataSource) {
		return Db.queryString(dataSource, "SHOW autovacuum");
	}

	@Override
	public void close() {
		Runtime.getRuntime().removeShutdownHook(this.onExit);
		restore();
	}

	private void restore() {
		apply(this.previousFromAlterSystem ? "ALTER SYSTEM SET autovacuum = " + this.previous
				: "ALTER SYSTEM RESET autovacuum", this.previous);
		System.out.println("   autovacuum restored to " + this.previous);
	}

	private void apply(String statement, String expected) {
		Db.execute(this.dataSource, statement, "SELECT pg_reload_conf()");
		// The reload is signalled, not awaited: new sessions see it once the postmaster has read it
		if (!Db.await(() -> expected.equals(current(this.dataSource)), RELOAD_TIMEOUT_MILLIS, 20)) {
			throw new IllegalStateException("autovacuum still '" + current(this.dataSource) + "' after reload");
		}
	}

}
