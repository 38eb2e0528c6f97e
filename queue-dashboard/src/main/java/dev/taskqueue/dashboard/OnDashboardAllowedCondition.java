package dev.taskqueue.dashboard;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Serves the dashboard when Spring Security guards the web application, or, without it, when
 * {@code taskqueue.dashboard.allow-unsecured} is set.
 */
class OnDashboardAllowedCondition extends SpringBootCondition implements ConfigurationCondition {

	static final String HTTP_SECURITY = "org.springframework.security.config.annotation.web.builders.HttpSecurity";

	private static final String ALLOW_UNSECURED = "taskqueue.dashboard.allow-unsecured";

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		// Spring Security's HttpSecurity bean is known once configuration classes are parsed
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (hasWebSecurity(context)) {
			return ConditionOutcome.match("Spring Security guards the dashboard");
		}
		if (context.getEnvironment().getProperty(ALLOW_UNSECURED, Boolean.class, false)) {
			return ConditionOutcome.match("No Spring Security, and " + ALLOW_UNSECURED + " is true");
		}
		return ConditionOutcome.noMatch("No Spring Security to guard the dashboard, and " + ALLOW_UNSECURED
				+ " is not true");
	}

	static boolean hasWebSecurity(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null || !ClassUtils.isPresent(HTTP_SECURITY, context.getClassLoader())) {
			return false;
		}
		Class<?> httpSecurity = ClassUtils.resolveClassName(HTTP_SECURITY, context.getClassLoader());
		return beanFactory.getBeanNamesForType(httpSecurity, true, false).length > 0;
	}

}
