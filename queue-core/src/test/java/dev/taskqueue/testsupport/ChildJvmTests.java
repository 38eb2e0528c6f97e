package dev.taskqueue.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChildJvm}.
 */
class ChildJvmTests {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	@Test
	void killEndsTheChildWithSigkill() {
		try (ChildJvm child = ChildJvm.start(ReadyThenBlock.class, List.of("from-args"),
				Map.of("CHILD_JVM_TEST_VALUE", "from-env"))) {
			String ready = child.awaitLine((line) -> line.startsWith("READY"), STARTUP_TIMEOUT);
			assertThat(ready).isEqualTo("READY from-args from-env");
			assertThat(child.isAlive()).isTrue();
			assertThat(ProcessHandle.of(child.pid())).isPresent();

			child.kill();

			assertThat(child.isAlive()).isFalse();
			assertThat(child.awaitExit(Duration.ZERO)).as("128 + SIGKILL (9)").isEqualTo(137);
			assertThat(child.lines()).contains(ready);
		}
	}

	/**
	 * Says it is ready, with its argument and environment variable, then blocks until it
	 * is killed.
	 */
	static class ReadyThenBlock {

		public static void main(String[] args) throws InterruptedException {
			System.out.println("READY " + args[0] + " " + System.getenv("CHILD_JVM_TEST_VALUE"));
			new CountDownLatch(1).await();
		}

	}

}
