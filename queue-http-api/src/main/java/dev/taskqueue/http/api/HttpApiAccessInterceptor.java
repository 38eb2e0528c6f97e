package dev.taskqueue.http.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a call to the API from a caller that is not authenticated, unless unauthenticated
 * calls are allowed. With Spring Security, its filter chain refuses them first and checks the
 * role; this check stands on its own for an application without Spring Security, or whose own
 * filter chain for the API lets such calls through.
 */
class HttpApiAccessInterceptor implements HandlerInterceptor {

	private final boolean allowUnauthenticated;

	HttpApiAccessInterceptor(boolean allowUnauthenticated) {
		this.allowUnauthenticated = allowUnauthenticated;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (this.allowUnauthenticated || !(handler instanceof HandlerMethod method)
				|| method.getBeanType() != TaskQueueHttpApiController.class) {
			return true;
		}
		if (request.getUserPrincipal() == null) {
			String detail = "The TaskQueue HTTP API needs an authenticated caller: add Spring Security, "
					+ "or set taskqueue.http-api.allow-unauthenticated=true";
			throw new ErrorResponseException(HttpStatus.FORBIDDEN,
					ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail), null);
		}
		return true;
	}

}
