package dev.taskqueue.sample.feed;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.taskqueue.annotation.Daemon;
import dev.taskqueue.daemon.DaemonContext;

/**
 * A bridge from the supplier's stock feed, as a daemon: however many nodes run the sample,
 * exactly one polls the supplier. Here it only counts and logs its polls, every few seconds,
 * and stops as soon as it is told to (node shutdown, or a stop through {@code /daemons}).
 */
@Component
public class StockFeed {

	private static final Logger logger = LoggerFactory.getLogger(StockFeed.class);

	private final Duration interval;

	public StockFeed(@Value("${sample.stock-feed.interval:5s}") Duration interval) {
		this.interval = interval;
	}

	/**
	 * Poll the supplier until told to stop.
	 * @param context the daemon's context
	 */
	@Daemon("stock-feed")
	public void follow(DaemonContext context) {
		logger.info("Stock feed: following the supplier from node {}", context.nodeId());
		long polls = 0;
		while (!context.awaitStop(this.interval)) {
			polls++;
			logger.info("Stock feed: poll #{} of the supplier from node {}: no changes", polls, context.nodeId());
			context.heartbeat();
		}
		logger.info("Stock feed: stopped after {} polls", polls);
	}

}
