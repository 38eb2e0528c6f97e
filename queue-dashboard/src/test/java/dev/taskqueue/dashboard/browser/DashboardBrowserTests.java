package dev.taskqueue.dashboard.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.dashboard.browser.BrowserTestApplication.BrowserTasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium: what an operator and a read-only user see and
 * can do. Subclasses choose the database. The page is never reloaded while a test waits for
 * it to change: each test checks that a marker set on its window survived.
 */
abstract class DashboardBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static Chromium chromium;

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private TaskQueue queue;

	@RegisterExtension
	final TestWatcher screenshotOnFailure = new TestWatcher() {

		@Override
		public void testFailed(ExtensionContext context, Throwable cause) {
			if (chromium != null) {
				saveScreenshot(context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName());
			}
		}

	};

	@BeforeAll
	static void startBrowser() throws IOException {
		Chromium.assumeInstalled();
		chromium = Chromium.start(1400, 1000);
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (chromium != null) {
			chromium.stop();
			chromium = null;
		}
	}

	@Test
	void theOverviewShowsTheThroughputTheQueuesAndTheLiveNode() {
		String queueName = unique("overview");
		for (int i = 0; i < 3; i++) {
			this.queue.enqueue(parked(queueName));
		}
		signIn(BrowserTestApplication.OPERATOR);
		open("#/overview");
		waitUntilLoaded("overview");
		assertThat(driver().findElement(By.id("throughput-chart")).getAttribute("aria-label"))
			.startsWith("Tasks finished per minute over the last hour");
		WebElement row = waitFor(By.cssSelector("[data-test=queue-row][data-queue='" + queueName + "']"));
		assertThat(row.findElement(By.cssSelector("[data-test=ready]")).getText()).isEqualTo("3");
		assertThat(driver().findElements(By.cssSelector("#nodes-table [data-test=node-row]"))).hasSize(1);
	}

	@Test
	void aTaskMovesFromReadyToSucceededOnScreenWithoutAReload() {
		UUID id = this.queue.enqueue(TaskRequest.builder("browser-echo").payload("hello").delay(Duration.ofSeconds(3))
			.build()).id();
		signIn(BrowserTestApplication.OPERATOR);
		open("#/tasks/" + id);
		waitForText(By.cssSelector("#task-detail [data-test=task-status]"), "READY");
		markWindow();
		waitForText(By.cssSelector("#task-detail [data-test=task-status]"), "SUCCEEDED");
		assertThat(driver().findElement(By.cssSelector("#task-detail [data-test=task-worker]")).getText()).isNotBlank();
		assertWindowNotReloaded();
	}

	@Test
	void theRetryButtonRunsAFailedTaskAgainAndTheAuditLogRecordsIt() {
		UUID id = this.queue.enqueue("browser-flaky", "try me").id();
		await().atMost(WAIT).until(() -> this.queue.find(id).orElseThrow().status() == TaskStatus.FAILED);
		signIn(BrowserTestApplication.OPERATOR);
		open("#/tasks/" + id);
		waitForText(By.cssSelector("#task-detail [data-test=task-status]"), "FAILED");
		assertThat(driver().findElements(By.cssSelector("#errors-table [data-test=error-row]"))).hasSize(1);
		markWindow();
		click(By.id("task-retry"));
		confirm();
		waitForText(By.cssSelector("#task-detail [data-test=task-status]"), "SUCCEEDED");
		assertThat(driver().findElement(By.cssSelector("#task-detail [data-test=task-attempts]")).getText()).isEqualTo("2");
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertWindowNotReloaded();
		open("#/audit");
		waitUntilLoaded("audit");
		WebElement entry = waitFor(By.xpath("//tbody[@id='audit-body']/tr[td[contains(., '" + id + "')]]"));
		assertThat(entry.getText()).contains(BrowserTestApplication.OPERATOR);
	}

	@Test
	void aBulkCancelByFilterCancelsExactlyTheMatchingTasks() {
		String matching = unique("bulk");
		String other = unique("other");
		List<UUID> cancelled = IntStream.range(0, 3).mapToObj((i) -> this.queue.enqueue(parked(matching)).id()).toList();
		List<UUID> kept = List.of(this.queue.enqueue(parked(other)).id(), this.queue.enqueue(parked(other)).id(),
				this.queue.enqueue(TaskRequest.builder("browser-echo").payload("later").queue(matching)
					.delay(Duration.ofHours(1)).build()).id());
		signIn(BrowserTestApplication.OPERATOR);
		open("#/tasks");
		waitUntilLoaded("tasks");
		new Select(driver().findElement(By.id("filter-status"))).selectByValue("READY");
		driver().findElement(By.id("filter-type")).sendKeys("browser-parked");
		driver().findElement(By.id("filter-queue")).sendKeys(matching);
		click(By.id("apply-filter"));
		new WebDriverWait(driver(), WAIT).until((driver) -> driver.findElements(By.cssSelector("#tasks-body tr[data-task-id]"))
			.size() == 3);
		click(By.id("bulk-cancel-filter"));
		assertThat(driver().findElement(By.id("confirm-message")).getText()).contains("status READY")
			.contains("type browser-parked")
			.contains("queue " + matching);
		confirm();
		waitForText(By.id("flash"), "3 of 3 matching tasks changed");
		// Cancelled, they leave the list of READY tasks on the next refresh
		new WebDriverWait(driver(), WAIT)
			.until((driver) -> driver.findElements(By.cssSelector("#tasks-body tr[data-task-id]")).isEmpty());
		assertThat(cancelled).allSatisfy((id) -> assertThat(status(id)).isEqualTo(TaskStatus.CANCELLED));
		assertThat(kept).allSatisfy((id) -> assertThat(status(id)).isEqualTo(TaskStatus.READY));
		kept.forEach(this.queue::cancel);
	}

	@Test
	void theAllMatchingBulkButtonsShowOnlyWhileAFilterIsSet() {
		By allMatching = By.cssSelector("#bulk-retry-filter, #bulk-cancel-filter");
		signIn(BrowserTestApplication.OPERATOR);
		open("#/tasks");
		waitUntilLoaded("tasks");
		waitFor(By.id("bulk-retry-selected"));
		assertThat(driver().findElements(allMatching)).isEmpty();
		driver().findElement(By.id("filter-queue")).sendKeys(unique("filtered"));
		click(By.id("apply-filter"));
		new WebDriverWait(driver(), WAIT).until((driver) -> driver.findElements(allMatching).size() == 2);
		assertThat(driver().findElement(By.id("bulk-retry-filter")).getText()).isEqualTo("Retry all matching");
		assertThat(driver().findElement(By.id("bulk-cancel-filter")).getText()).isEqualTo("Cancel all matching");
		click(By.id("reset-filter"));
		new WebDriverWait(driver(), WAIT).until((driver) -> driver.findElements(allMatching).isEmpty());
		assertThat(driver().findElements(By.id("bulk-retry-selected"))).hasSize(1);
	}

	@Test
	void anEdgeThatSkipsALayerIsDrawnAroundTheTaskBetween() {
		UUID first = this.queue.enqueue(parked(unique("flow"))).id();
		UUID second = this.queue.enqueue(TaskRequest.builder("browser-echo").payload("2").after(first).build()).id();
		UUID third = this.queue.enqueue(TaskRequest.builder("browser-echo").payload("3").after(first, second).build())
			.id();
		signIn(BrowserTestApplication.OPERATOR);
		open("#/tasks/" + first + "/flow");
		waitFor(By.cssSelector("#flow-graph [data-test=flow-node][data-task-id='" + third + "']"));
		String skipping = driver().findElement(By.cssSelector("#flow-graph path[data-from='" + first + "'][data-to='"
				+ third + "']")).getAttribute("d");
		String direct = driver().findElement(By.cssSelector("#flow-graph path[data-from='" + first + "'][data-to='"
				+ second + "']")).getAttribute("d");
		// Through a waypoint in the middle layer: two curves joined by a straight run beside the task there
		assertThat(skipping.split(" C ")).hasSize(3);
		assertThat(skipping).contains(" L ");
		assertThat(direct.split(" C ")).hasSize(2);
		String[] run = skipping.substring(skipping.indexOf(" L ") + 3).split(" ");
		String[] middle = driver().findElement(By.cssSelector("#flow-graph [data-task-id='" + second + "']"))
			.getAttribute("transform")
			.replaceAll("[^0-9. ]", "")
			.trim()
			.split(" ");
		double runY = Double.parseDouble(run[1]);
		double middleTop = Double.parseDouble(middle[1]);
		assertThat(runY < middleTop || runY > middleTop + 44).as("run at y %s, middle task from y %s", runY, middleTop)
			.isTrue();
		this.queue.cancel(first);
	}

	@Test
	void aJobsProgressBarRisesAsItsTasksFinish() {
		UUID jobId = this.queue.startJob(JobRequest.builder("Gated job")
			.tasks(IntStream.range(0, 4).mapToObj((i) -> TaskRequest.of("browser-gated", "part " + i))
				.toArray(TaskRequest[]::new))
			.build()).id();
		signIn(BrowserTestApplication.OPERATOR);
		open("#/jobs/" + jobId);
		By bar = By.cssSelector("#job-progress [role=progressbar]");
		waitFor(bar);
		int before = progress(bar);
		assertThat(before).isZero();
		markWindow();
		BrowserTasks.gate.release(1);
		int afterOne = waitForProgressAbove(bar, before);
		BrowserTasks.gate.release(3);
		waitForText(By.cssSelector("#job-detail [data-test=status]"), "SUCCEEDED");
		assertThat(progress(bar)).isGreaterThan(afterOne).isEqualTo(100);
		assertWindowNotReloaded();
		open("#/jobs");
		waitUntilLoaded("jobs");
		WebElement row = waitFor(By.cssSelector("#jobs-body tr[data-job-id='" + jobId + "']"));
		assertThat(row.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow")).isEqualTo("100");
	}

	@Test
	void theViewerSeesNoActionButtonsAndItsActionsAreRefused() {
		String queueName = unique("viewer");
		UUID id = this.queue.enqueue(parked(queueName)).id();
		signIn(BrowserTestApplication.VIEWER);
		open("#/tasks?queue=" + queueName);
		waitFor(By.cssSelector("#tasks-body tr[data-task-id='" + id + "']"));
		assertThat(driver().findElement(By.id("user")).getText()).contains(BrowserTestApplication.VIEWER).contains("viewer");
		assertThat(driver().findElements(By.cssSelector("button.action, .bulk-bar, input[type=checkbox]"))).isEmpty();
		open("#/tasks/" + id);
		waitForText(By.cssSelector("#task-detail [data-test=task-status]"), "READY");
		assertThat(driver().findElements(By.cssSelector("#task-retry, #task-cancel, button.action"))).isEmpty();
		open("#/jobs");
		waitUntilLoaded("jobs");
		assertThat(driver().findElements(By.cssSelector("button.action"))).isEmpty();
		assertThat(post("api/tasks/" + id + "/cancel", null)).isEqualTo(403);
		assertThat(post("api/tasks/bulk", "{\"action\":\"cancel\",\"ids\":[\"" + id + "\"]}")).isEqualTo(403);
		assertThat(status(id)).isEqualTo(TaskStatus.READY);
		this.queue.cancel(id);
	}

	private static TaskRequest parked(String queueName) {
		return TaskRequest.builder("browser-parked").payload("parked").queue(queueName).delay(Duration.ofHours(1)).build();
	}

	private static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private TaskStatus status(UUID id) {
		return this.queue.find(id).orElseThrow().status();
	}

	private WebDriver driver() {
		return chromium.driver();
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	/** Signs in through Spring Security's login form, as a person would. */
	private void signIn(String user) {
		driver().get(base() + "/login");
		driver().manage().deleteAllCookies();
		driver().get(base() + "/taskqueue/");
		waitFor(By.id("username")).sendKeys(user);
		driver().findElement(By.id("password")).sendKeys(user);
		driver().findElement(By.cssSelector("button[type=submit]")).click();
		waitForText(By.id("user"), user);
	}

	private void open(String hash) {
		String page = base() + "/taskqueue/";
		if (!driver().getCurrentUrl().startsWith(page)) {
			driver().get(page + hash);
		}
		else {
			((JavascriptExecutor) driver()).executeScript("window.location.hash = arguments[0]", hash);
		}
	}

	private void waitUntilLoaded(String page) {
		new WebDriverWait(driver(), WAIT)
			.until(ExpectedConditions.attributeToBe(By.id("view"), "data-loaded", page));
	}

	private WebElement waitFor(By locator) {
		return new WebDriverWait(driver(), WAIT).until(ExpectedConditions.presenceOfElementLocated(locator));
	}

	private void waitForText(By locator, String text) {
		new WebDriverWait(driver(), WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
	}

	private void click(By locator) {
		new WebDriverWait(driver(), WAIT).until(ExpectedConditions.elementToBeClickable(locator)).click();
	}

	private void confirm() {
		new WebDriverWait(driver(), WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
		click(By.id("confirm-ok"));
	}

	private int progress(By bar) {
		return Integer.parseInt(driver().findElement(bar).getAttribute("aria-valuenow"));
	}

	private int waitForProgressAbove(By bar, int value) {
		return new WebDriverWait(driver(), WAIT).until((driver) -> {
			int now = progress(bar);
			return (now > value) ? now : null;
		});
	}

	private void markWindow() {
		((JavascriptExecutor) driver()).executeScript("window.notReloaded = true");
	}

	private void assertWindowNotReloaded() {
		assertThat(((JavascriptExecutor) driver()).executeScript("return window.notReloaded === true")).isEqualTo(true);
	}

	/** POSTs from the page as its own script would, with the CSRF token; returns the status. */
	private long post(String path, String body) {
		Object status = ((JavascriptExecutor) driver()).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const cookie = document.cookie.split(';').map((part) => part.trim())
					.find((part) => part.startsWith('XSRF-TOKEN='));
				const headers = { 'Content-Type': 'application/json' };
				if (cookie) {
					headers['X-XSRF-TOKEN'] = decodeURIComponent(cookie.slice('XSRF-TOKEN='.length));
				}
				fetch(arguments[0], { method: 'POST', headers, body: arguments[1] ?? undefined })
					.then((response) => done(response.status), (error) => done(-1));
				""", path, body);
		return (Long) status;
	}

	private void saveScreenshot(String name) {
		try {
			Path directory = Path.of("target", "browser-screenshots");
			Files.createDirectories(directory);
			byte[] png = ((TakesScreenshot) driver()).getScreenshotAs(OutputType.BYTES);
			String file = name.replaceAll("[^A-Za-z0-9-]", "_");
			Files.write(directory.resolve(file + ".png"), png);
			Files.writeString(directory.resolve(file + ".html"),
					"<!-- " + driver().getCurrentUrl() + " -->\n" + driver().getPageSource());
		}
		catch (IOException | RuntimeException ex) {
			// The test's own failure matters more than its screenshot
		}
	}

}
