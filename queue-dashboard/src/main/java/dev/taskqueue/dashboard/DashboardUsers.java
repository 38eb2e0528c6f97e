package dev.taskqueue.dashboard;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells who calls the dashboard and whether they may act: with Spring Security, the
 * authenticated user and their roles; without it, when allowed, an anonymous operator.
 */
final class DashboardUsers {

	static final String ANONYMOUS = "anonymous";

	private final boolean secured;

	private final String operatorRole;

	private DashboardUsers(boolean secured, String operatorRole) {
		this.secured = secured;
		this.operatorRole = operatorRole;
	}

	static DashboardUsers secured(String operatorRole) {
		return new DashboardUsers(true, operatorRole);
	}

	static DashboardUsers unsecured() {
		return new DashboardUsers(false, "");
	}

	DashboardUser current(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		String name = (principal != null) ? principal.getName() : ANONYMOUS;
		return new DashboardUser(name, !this.secured || request.isUserInRole(this.operatorRole));
	}

	/**
	 * A caller of the dashboard.
	 *
	 * @param name the user name
	 * @param operator whether they may retry and cancel
	 */
	record DashboardUser(String name, boolean operator) {

	}

}
