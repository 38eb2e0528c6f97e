package dev.taskqueue.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.taskqueue.json.PayloadMask;

/**
 * Configuration properties of the TaskQueue dashboard.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("taskqueue.dashboard")
public class TaskQueueDashboardProperties {

	/**
	 * Whether to serve the dashboard.
	 */
	private boolean enabled = true;

	/**
	 * Path the dashboard and its JSON API are served under.
	 */
	private String path = "/taskqueue";

	/**
	 * How often the dashboard's pages fetch what they show again.
	 */
	private Duration pollInterval = Duration.ofSeconds(2);

	/**
	 * Role that may read the dashboard, without the "ROLE_" prefix.
	 */
	private String viewerRole = "TASKQUEUE_VIEWER";

	/**
	 * Role that may read the dashboard and retry and cancel tasks and jobs, without the
	 * "ROLE_" prefix.
	 */
	private String operatorRole = "TASKQUEUE_OPERATOR";

	/**
	 * Whether to serve the dashboard without Spring Security, to everyone, as operator.
	 */
	private boolean allowUnsecured = false;

	/**
	 * How payloads and results are shown, on the dashboard and by the taskqueue Actuator
	 * endpoint: as they are, with the values of the masked fields masked, or not at all.
	 */
	private PayloadMask.Visibility payloads = PayloadMask.Visibility.MASK;

	/**
	 * Fields of payloads and results whose values are masked, at any depth, matched ignoring
	 * case.
	 */
	private List<String> maskedFields = new ArrayList<>(
			List.of("password", "secret", "token", "apiKey", "authorization", "credentials"));

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public String getViewerRole() {
		return this.viewerRole;
	}

	public void setViewerRole(String viewerRole) {
		this.viewerRole = viewerRole;
	}

	public String getOperatorRole() {
		return this.operatorRole;
	}

	public void setOperatorRole(String operatorRole) {
		this.operatorRole = operatorRole;
	}

	public boolean isAllowUnsecured() {
		return this.allowUnsecured;
	}

	public void setAllowUnsecured(boolean allowUnsecured) {
		this.allowUnsecured = allowUnsecured;
	}

	public PayloadMask.Visibility getPayloads() {
		return this.payloads;
	}

	public void setPayloads(PayloadMask.Visibility payloads) {
		this.payloads = payloads;
	}

	public List<String> getMaskedFields() {
		return this.maskedFields;
	}

	public void setMaskedFields(List<String> maskedFields) {
		this.maskedFields = maskedFields;
	}

}
