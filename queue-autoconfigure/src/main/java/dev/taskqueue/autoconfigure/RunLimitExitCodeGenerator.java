package dev.taskqueue.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.ApplicationContext;

import dev.taskqueue.node.RunLimit;
import dev.taskqueue.node.RunLimitListener;

/**
 * Ends the application through its {@link TaskQueueApplicationExit} once the node has reached
 * a run limit, and gives {@link TaskQueueApplicationExit#EXIT_CODE} as the application's exit
 * code from then on.
 */
final class RunLimitExitCodeGenerator implements ExitCodeGenerator, RunLimitListener {

	private static final Log logger = LogFactory.getLog(RunLimitExitCodeGenerator.class);

	private final ApplicationContext context;

	private final TaskQueueApplicationExit exit;

	private volatile @Nullable RunLimit reached;

	RunLimitExitCodeGenerator(ApplicationContext context, TaskQueueApplicationExit exit) {
		this.context = context;
		this.exit = exit;
	}

	@Override
	public void limitReached(RunLimit limit) {
		this.reached = limit;
		logger.info("TaskQueue node " + limit.describe() + " and finished its tasks; exiting with code "
				+ TaskQueueApplicationExit.EXIT_CODE);
		this.exit.exit(this.context, limit);
	}

	@Override
	public int getExitCode() {
		return (this.reached != null) ? TaskQueueApplicationExit.EXIT_CODE : 0;
	}

}
