package dev.taskqueue.dashboard.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's own headless Chromium, driven through its own chromedriver: nothing is
 * downloaded, and a test is skipped, saying how to install them, when they are missing.
 */
final class Chromium {

	static final Path BROWSER = Path.of("/usr/bin/chromium");

	static final Path DRIVER = Path.of("/usr/bin/chromedriver");

	private final Path profile;

	private final WebDriver driver;

	private Chromium(Path profile, WebDriver driver) {
		this.profile = profile;
		this.driver = driver;
	}

	/** Skips the calling test class unless Chromium and its driver are installed. */
	static void assumeInstalled() {
		Assumptions.assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
				() -> "The browser tests need Chromium and its driver at " + BROWSER + " and " + DRIVER
						+ "; on Debian or Ubuntu: apt-get install chromium chromium-driver");
	}

	static Chromium start(int width, int height) throws IOException {
		Path profile = Files.createTempDirectory("taskqueue-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BROWSER.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + profile, "--window-size=" + width + "," + height);
		// A driver given explicitly: Selenium Manager has nothing to look up or download
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
		return new Chromium(profile, driver);
	}

	WebDriver driver() {
		return this.driver;
	}

	void stop() throws IOException {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
			}
		}
	}

}
