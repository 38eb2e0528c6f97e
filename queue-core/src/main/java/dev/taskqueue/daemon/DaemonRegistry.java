package dev.taskqueue.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The daemons an application declares, from {@link dev.taskqueue.annotation.Daemon @Daemon}
 * methods and the engine's builder, with their configured {@code auto-start}. Whether a daemon
 * starts on its own is resolved with this precedence: configuration, then declaration, then
 * {@code true}.
 *
 * @since 0.1.0
 */
public final class DaemonRegistry {

	/** The longest name the daemon table holds. */
	private static final int MAX_NAME_LENGTH = 255;

	private final Map<String, Declared> declared = new LinkedHashMap<>();

	private final Map<String, Configured> configured = new LinkedHashMap<>();

	/**
	 * Declare a daemon.
	 * @param name its name, unique in the application
	 * @param handler its body
	 * @param autoStart whether it starts on its own, or {@code null} for the default
	 * @param source where it is declared, for messages (such as {@code @Daemon method 'Inbox.watch'})
	 * @throws IllegalStateException if the name is empty, too long or declared already
	 */
	public synchronized void register(String name, DaemonHandler handler, @Nullable Boolean autoStart, String source) {
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException("Invalid daemon of " + source + ": the daemon name must not be empty");
		}
		if (name.length() > MAX_NAME_LENGTH) {
			throw new IllegalStateException("Invalid daemon '" + name + "' of " + source + ": the name must be at most "
					+ MAX_NAME_LENGTH + " characters long");
		}
		Declared existing = this.declared.get(name);
		if (existing != null) {
			throw new IllegalStateException("Invalid daemon '" + name + "' of " + source + ": it is already declared by "
					+ existing.source());
		}
		this.declared.put(name, new Declared(handler, autoStart, source));
	}

	/**
	 * Configure whether a daemon starts on its own, over what its declaration says.
	 * @param name the daemon's name
	 * @param autoStart whether it starts on its own
	 * @param source where this is configured, for messages (such as a property name)
	 */
	public synchronized void configure(String name, boolean autoStart, String source) {
		Assert.hasText(name, "'name' must not be empty");
		this.configured.put(name, new Configured(autoStart, source));
	}

	/**
	 * Return the declared daemons, with configuration applied.
	 * @return the daemons, in declaration order
	 * @throws IllegalStateException if a daemon is configured but not declared
	 */
	synchronized List<DaemonDefinition> definitions() {
		this.configured.forEach((name, configured) -> {
			if (!this.declared.containsKey(name)) {
				throw new IllegalStateException("No daemon '" + name + "' is declared, but " + configured.source()
						+ " configures it; declared daemons: " + this.declared.keySet());
			}
		});
		List<DaemonDefinition> definitions = new ArrayList<>();
		this.declared.forEach((name, declared) -> {
			Configured configured = this.configured.get(name);
			boolean autoStart = (configured != null) ? configured.autoStart()
					: (declared.autoStart() != null) ? declared.autoStart() : true;
			definitions.add(new DaemonDefinition(name, declared.handler(), autoStart, declared.source()));
		});
		return definitions;
	}

	private record Declared(DaemonHandler handler, @Nullable Boolean autoStart, String source) {

	}

	private record Configured(boolean autoStart, String source) {

	}

}
