package dev.taskqueue.dashboard;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.view.RedirectView;

/**
 * Serves the dashboard's page; its scripts and styles are static resources below it.
 */
@Controller
@RequestMapping("${taskqueue.dashboard.path:/taskqueue}")
class DashboardPageController {

	/** Where the dashboard's files are, its page at the root and the rest below assets/. */
	static final String LOCATION = "dev/taskqueue/dashboard/static/";

	private final Resource page = new ClassPathResource(LOCATION + "index.html");

	private final String path;

	DashboardPageController(String path) {
		this.path = path;
	}

	@GetMapping
	RedirectView root() {
		// The page finds the API relative to its own address, which must end with a slash
		return new RedirectView(this.path + "/", true);
	}

	@GetMapping("/")
	ResponseEntity<Resource> page() {
		if (!this.page.exists()) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(this.page);
	}

}
