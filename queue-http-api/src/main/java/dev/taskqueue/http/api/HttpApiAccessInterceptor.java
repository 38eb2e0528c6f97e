package dev.taskqueue.http.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a call to the API from a caller that is not authenticated or lacks the role, unless
 * unauthenticated calls are allowed. With Spring Security, its filter chain refuses them first;
 * this check stands on its own for an application without Spring Security, or whose own filter
 * chain lets such calls through.
 */
class HttpApiAccessInterceptor implements HandlerInterceptor {

	private final boolean allowUnauthenticated;

	private final String role;

	HttpApiAccessInterceptor(boolean allowUnauthenticated, String role) {
		this.allowUnauthenticated = allowUnauthenticated;
		this.role = role;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (this.allowUnauthenticated || !(handler instanceof HandlerMethod method)
				|| method.getBeanType() != TaskQueueHttpApiController.class) {
			return true;
		}
		if (request.getUserPrincipal() == null) {
			throw refused("The TaskQueue HTTP API needs an authenticated caller: add Spring Security, "
					+ "or set taskqueue.http-api.allow-unauthenticated=true");
		}
		if (!this.role.isEmpty() && !request.isUserInRole(this.role)) {
			throw refused("The TaskQueue HTTP API needs the role '" + this.role + "'");
		}
		return true;
	}

	private static ErrorResponseException refused(String detail) {
		return new ErrorResponseException(HttpStatus.FORBIDDEN,
				ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail), null);
	}

}
