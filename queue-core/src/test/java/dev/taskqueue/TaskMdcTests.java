package dev.taskqueue;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task's keys in the MDC: put for a scope, and what they held before restored after it.
 */
class TaskMdcTests {

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	@Test
	void keysArePutForTheScopeAndRemovedAfterIt() {
		UUID task = UUID.randomUUID();
		UUID job = UUID.randomUUID();
		try (TaskMdc.Scope scope = TaskMdc.put(task, "import", 2, job)) {
			assertThat(MDC.get(TaskMdc.TASK_ID)).isEqualTo(task.toString());
			assertThat(MDC.get(TaskMdc.TASK_TYPE)).isEqualTo("import");
			assertThat(MDC.get(TaskMdc.TASK_ATTEMPT)).isEqualTo("2");
			assertThat(MDC.get(TaskMdc.JOB_ID)).isEqualTo(job.toString());
		}
		assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
	}

	@Test
	void whatTheKeysHeldBeforeIsRestoredAndATaskOfNoJobHidesTheOuterJob() {
		UUID outerJob = UUID.randomUUID();
		MDC.put(TaskMdc.TASK_ID, "outer");
		MDC.put(TaskMdc.JOB_ID, outerJob.toString());
		MDC.put("request", "r-1");
		try (TaskMdc.Scope scope = TaskMdc.put(UUID.randomUUID(), "import", 1, null)) {
			assertThat(MDC.get(TaskMdc.JOB_ID)).isNull();
			assertThat(MDC.get("request")).isEqualTo("r-1");
		}
		assertThat(MDC.get(TaskMdc.TASK_ID)).isEqualTo("outer");
		assertThat(MDC.get(TaskMdc.JOB_ID)).isEqualTo(outerJob.toString());
		assertThat(MDC.get(TaskMdc.TASK_TYPE)).isNull();
		assertThat(MDC.get(TaskMdc.TASK_ATTEMPT)).isNull();
		assertThat(MDC.get("request")).isEqualTo("r-1");
	}

}
