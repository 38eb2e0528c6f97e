package dev.taskqueue.daemon;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link DaemonRegistry}.
 */
class DaemonRegistryTests {

	private static final DaemonHandler NOTHING = (context) -> {
	};

	private final DaemonRegistry registry = new DaemonRegistry();

	@Test
	void autoStartComesFromConfigurationThenDeclarationThenTrue() {
		this.registry.register("configured", NOTHING, true, "first");
		this.registry.register("declared", NOTHING, false, "second");
		this.registry.register("default", NOTHING, null, "third");
		this.registry.configure("configured", false, "taskqueue.daemons.configured.auto-start");
		assertThat(this.registry.definitions()).extracting(DaemonDefinition::name, DaemonDefinition::autoStart)
			.containsExactly(tuple("configured", false),
					tuple("declared", false),
					tuple("default", true));
	}

	@Test
	void aSecondDaemonOfTheSameNameFailsNamingBothSources() {
		this.registry.register("watcher", NOTHING, null, "@Daemon method 'A.watch'");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.registry.register("watcher", NOTHING, null, "@Daemon method 'B.watch'"))
			.withMessage("Invalid daemon 'watcher' of @Daemon method 'B.watch': it is already declared by "
					+ "@Daemon method 'A.watch'");
	}

	@Test
	void anEmptyOrTooLongNameFailsNamingTheSource() {
		assertThatIllegalStateException().isThrownBy(() -> this.registry.register(" ", NOTHING, null, "the builder"))
			.withMessage("Invalid daemon of the builder: the daemon name must not be empty");
		String longName = "d".repeat(256);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.registry.register(longName, NOTHING, null, "the builder"))
			.withMessageContaining("must be at most 255 characters long");
	}

	@Test
	void configurationOfAnUndeclaredDaemonFailsNamingItsSourceAndTheDeclaredDaemons() {
		this.registry.register("watcher", NOTHING, null, "test");
		this.registry.configure("wacher", true, "taskqueue.daemons.wacher.auto-start");
		assertThatIllegalStateException().isThrownBy(this.registry::definitions)
			.withMessage("No daemon 'wacher' is declared, but taskqueue.daemons.wacher.auto-start configures it; "
					+ "declared daemons: [watcher]");
	}

}
