package dev.taskqueue.testsupport;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Keeps what one logger (and the loggers below it) logs while it is open, through a logback
 * {@link ListAppender}; the logger's other appenders still get every event. It may lower the
 * logger's level meanwhile, restoring it on {@link #close()}.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final @Nullable Level originalLevel;

	private final boolean levelChanged;

	private LogCapture(Logger logger, @Nullable Level level) {
		this.logger = logger;
		this.originalLevel = logger.getLevel();
		this.levelChanged = level != null;
		if (level != null) {
			logger.setLevel(level);
		}
		this.appender.setName("log-capture-" + System.identityHashCode(this));
		this.appender.setContext(logger.getLoggerContext());
		this.appender.start();
		logger.addAppender(this.appender);
	}

	/**
	 * Start keeping what the named logger logs.
	 * @param loggerName the logger, usually a class name
	 * @return the capture, to be closed when done
	 */
	public static LogCapture of(String loggerName) {
		return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), null);
	}

	/**
	 * Start keeping what the named logger logs, setting its level until the capture is
	 * closed: to see, say, DEBUG events that the logging configuration leaves out.
	 * @param loggerName the logger, usually a class name
	 * @param level the level to log at meanwhile
	 * @return the capture, to be closed when done
	 */
	public static LogCapture of(String loggerName, Level level) {
		return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), level);
	}

	/**
	 * Start keeping what the logger of the given class logs.
	 * @param loggerClass the class
	 * @return the capture, to be closed when done
	 */
	public static LogCapture of(Class<?> loggerClass) {
		return of(loggerClass.getName());
	}

	/**
	 * Return the events logged so far.
	 * @return a copy of the events, oldest first
	 */
	public List<ILoggingEvent> events() {
		// AppenderBase.doAppend adds to the list holding the appender's lock
		synchronized (this.appender) {
			return List.copyOf(this.appender.list);
		}
	}

	/**
	 * Return the events logged so far at the given level.
	 * @param level the level
	 * @return the events, oldest first
	 */
	public List<ILoggingEvent> events(Level level) {
		return events().stream().filter((event) -> event.getLevel().equals(level)).toList();
	}

	/**
	 * Return the formatted messages logged so far at the given level.
	 * @param level the level
	 * @return the messages, oldest first
	 */
	public List<String> messages(Level level) {
		return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.appender.stop();
		if (this.levelChanged) {
			this.logger.setLevel(this.originalLevel);
		}
	}

}
