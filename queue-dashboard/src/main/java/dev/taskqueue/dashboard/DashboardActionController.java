package dev.taskqueue.dashboard;

import java.util.List;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.dashboard.DashboardActions.Action;
import dev.taskqueue.dashboard.DashboardRequests.BadRequestException;
import dev.taskqueue.dashboard.DashboardRequests.ForbiddenException;
import dev.taskqueue.dashboard.DashboardUsers.DashboardUser;
import dev.taskqueue.dashboard.DashboardViews.BulkRequest;
import dev.taskqueue.dashboard.DashboardViews.BulkResult;
import dev.taskqueue.dashboard.DashboardViews.Changed;

/**
 * The actions of the dashboard's JSON API, open to operators only.
 */
@RestController
@RequestMapping("${taskqueue.dashboard.path:/taskqueue}/api")
class DashboardActionController {

	private final DashboardActions actions;

	private final DashboardUsers users;

	DashboardActionController(DashboardActions actions, DashboardUsers users) {
		this.actions = actions;
		this.users = users;
	}

	@PostMapping("/tasks/{id}/{action:retry|cancel}")
	Changed onTask(@PathVariable String id, @PathVariable String action, HttpServletRequest request) {
		return new Changed(this.actions.onTask(operator(request), DashboardRequests.id("id", id), Action.of(action)));
	}

	@PostMapping("/jobs/{id}/{action:retry|cancel}")
	Changed onJob(@PathVariable String id, @PathVariable String action, HttpServletRequest request) {
		return new Changed(this.actions.onJob(operator(request), DashboardRequests.id("id", id), Action.of(action)));
	}

	@PostMapping("/tasks/bulk")
	BulkResult bulk(@RequestBody BulkRequest body, HttpServletRequest request) {
		String user = operator(request);
		Action action = Action.of(body.action());
		if ((body.ids() == null) == (body.filter() == null)) {
			throw new BadRequestException("A bulk action needs either 'ids' or 'filter', not both or neither");
		}
		if (body.ids() != null) {
			List<UUID> ids = body.ids().stream().map((id) -> DashboardRequests.requiredId("ids", id)).toList();
			return this.actions.onIds(user, ids, action);
		}
		return this.actions.onFilter(user, DashboardRequests.filter(body.filter()), action);
	}

	private String operator(HttpServletRequest request) {
		DashboardUser user = this.users.current(request);
		if (!user.operator()) {
			throw new ForbiddenException("User '" + user.name() + "' may not retry or cancel tasks");
		}
		return user.name();
	}

}
