package dev.taskqueue.dashboard.browser;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The browser tests on an embedded H2 database.
 */
@SpringBootTest(classes = BrowserTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.generate-unique-name=true",
				"taskqueue.dashboard.poll-interval=500ms", "taskqueue.worker.progress-interval=100ms" })
class H2DashboardBrowserTests extends DashboardBrowserTests {

}
