package dev.taskqueue.sample.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.daemon.DaemonState;
import dev.taskqueue.daemon.TaskDaemons;

/**
 * List the cluster's daemons, and stop, start or restart one, from any node.
 */
@RestController
@RequestMapping("/daemons")
public class DaemonController {

	private final TaskDaemons daemons;

	public DaemonController(TaskDaemons daemons) {
		this.daemons = daemons;
	}

	/**
	 * List the daemons: status, node, last heartbeat, last error, restarts.
	 * @return the daemons
	 */
	@GetMapping
	public List<DaemonState> list() {
		return this.daemons.list();
	}

	/**
	 * Stop a daemon: its node stops it within a poll.
	 * @param name the daemon's name
	 */
	@PostMapping("/{name}/stop")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void stop(@PathVariable String name) {
		this.daemons.stop(name);
	}

	/**
	 * Start a stopped daemon.
	 * @param name the daemon's name
	 */
	@PostMapping("/{name}/start")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void start(@PathVariable String name) {
		this.daemons.start(name);
	}

	/**
	 * Restart a daemon, at once and on whichever node takes it.
	 * @param name the daemon's name
	 */
	@PostMapping("/{name}/restart")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void restart(@PathVariable String name) {
		this.daemons.restart(name);
	}

}
