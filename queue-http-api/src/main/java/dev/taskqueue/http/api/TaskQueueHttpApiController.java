package dev.taskqueue.http.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadMask;

/**
 * The handlers of the API. Paths are relative: the configured path is put before them. Every
 * check of a request runs before the queue writes anything, and a refusal is a problem detail
 * (RFC 9457) whose {@code field} names the field at fault. A task of a type outside the allowed
 * ones is, to a caller, as if it did not exist.
 */
@RestController
class TaskQueueHttpApiController {

	/** The most tasks one batch enqueues. */
	static final int MAX_BATCH_SIZE = 1000;

	private static final String OPENAPI_LOCATION = "openapi.json";

	private final TaskQueue queue;

	private final TaskRequestReader reader;

	private final RequestResolver resolver;

	private final Duration maxWait;

	private final PayloadMask payloadMask;

	private final JsonNode openApi;

	TaskQueueHttpApiController(TaskQueue queue, TaskRequestReader reader, RequestResolver resolver, Duration maxWait,
			PayloadMask payloadMask, JsonMapper jsonMapper, String path) {
		this.queue = queue;
		this.reader = reader;
		this.resolver = resolver;
		this.maxWait = maxWait;
		this.payloadMask = payloadMask;
		this.openApi = openApi(jsonMapper, path);
	}

	private static JsonNode openApi(JsonMapper jsonMapper, String path) {
		ClassPathResource resource = new ClassPathResource(OPENAPI_LOCATION, TaskQueueHttpApiController.class);
		try (InputStream document = resource.getInputStream()) {
			ObjectNode openApi = (ObjectNode) jsonMapper.readTree(document);
			openApi.putArray("servers").addObject().put("url", path);
			return openApi;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + resource, ex);
		}
	}

	@PostMapping(path = "/tasks", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> enqueue(@RequestBody JsonNode body) {
		TaskRequest request = this.reader.read(body, "");
		TaskRef ref = enqueue(List.of(request), false).get(0);
		boolean created = ref.id().equals(request.id());
		Optional<TaskState> task = this.queue.find(ref.id());
		if (!created && !task.map((held) -> held.type().equals(request.type())).orElse(false)) {
			// Neither the id nor the state of a task of another type is the caller's to see
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
					"Key '" + request.key() + "' is held by an unfinished task of another type");
			problem.setProperty("field", "key");
			return ResponseEntity.of(problem).build();
		}
		URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
			.path("/{id}")
			.buildAndExpand(ref.id())
			.toUri();
		// A unique key held by an unfinished task: nothing was written, the answer is that task
		return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
			.location(location)
			.body(task.map(this::resource).orElse(null));
	}

	@PostMapping(path = "/tasks:batch", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Batch> enqueueAll(@RequestBody JsonNode body) {
		JsonNode tasks = body.get("tasks");
		if (!body.isObject() || tasks == null || !tasks.isArray() || tasks.isEmpty()) {
			throw new InvalidRequestException("tasks", "'tasks' must be a non-empty array of tasks");
		}
		if (tasks.size() > MAX_BATCH_SIZE) {
			throw new InvalidRequestException("tasks", "'tasks' must hold at most " + MAX_BATCH_SIZE + " tasks");
		}
		List<TaskRequest> requests = new ArrayList<>(tasks.size());
		for (int i = 0; i < tasks.size(); i++) {
			requests.add(this.reader.read(tasks.get(i), "tasks[" + i + "]."));
		}
		List<TaskRef> refs = enqueue(requests, true);
		List<Batch.Entry> entries = new ArrayList<>(refs.size());
		boolean anyCreated = false;
		for (int i = 0; i < refs.size(); i++) {
			TaskRequest request = requests.get(i);
			boolean created = refs.get(i).id().equals(request.id());
			anyCreated |= created;
			Optional<TaskState> task = this.queue.find(refs.get(i).id())
				.filter((held) -> held.type().equals(request.type()));
			// A key held by a task of another type: the rest of the batch is written, that task stays unseen
			entries.add(new Batch.Entry(task.map(TaskState::id).orElse(null), created,
					task.map(this::resource).orElse(null)));
		}
		return ResponseEntity.status(anyCreated ? HttpStatus.CREATED : HttpStatus.OK).body(new Batch(entries));
	}

	private List<TaskRef> enqueue(List<TaskRequest> requests, boolean batch) {
		try {
			return this.queue.enqueueAll(requests);
		}
		catch (UnknownTaskTypeException ex) {
			String field = culprit(requests, batch, (request) -> request.type().equals(ex.getType())) + "type";
			throw new InvalidRequestException(field, "Unknown task type '" + ex.getType() + "'", ex);
		}
		catch (TaskPayloadException ex) {
			String field = culprit(requests, batch, this::refusesPayload) + "payload";
			throw new InvalidRequestException(field, ex.getMessage(), ex);
		}
		catch (TaskNotFoundException ex) {
			String field = culprit(requests, batch, (request) -> request.parents().contains(ex.getTaskId())) + "parents";
			throw new InvalidRequestException(field, "Parent task " + ex.getTaskId() + " not found", ex);
		}
	}

	/** Whether the queue refuses the payload of this request of a batch that it refused. */
	private boolean refusesPayload(TaskRequest request) {
		try {
			this.resolver.task(request, null, Instant.now());
			return false;
		}
		catch (TaskPayloadException ex) {
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static String culprit(List<TaskRequest> requests, boolean batch, Predicate<TaskRequest> culprit) {
		if (!batch) {
			return "";
		}
		for (int i = 0; i < requests.size(); i++) {
			if (culprit.test(requests.get(i))) {
				return "tasks[" + i + "].";
			}
		}
		return "tasks[].";
	}

	@GetMapping(path = "/tasks/{id}", params = "!wait")
	TaskResource find(@PathVariable UUID id) {
		return resource(state(id));
	}

	@GetMapping(path = "/tasks/{id}", params = "wait")
	DeferredResult<TaskResource> waitFor(@PathVariable UUID id, @RequestParam String wait) {
		Duration timeout = wait(wait);
		TaskState state = state(id);
		DeferredResult<TaskResource> result = new DeferredResult<>(Math.max(1, timeout.toMillis()));
		if (state.status().isFinished() || timeout.isZero()) {
			result.setResult(resource(state));
			return result;
		}
		// Waits on the queue's watcher, so that no request thread is held while the task runs
		CompletableFuture<TaskState> finished = this.queue.whenFinished(id);
		finished.thenAccept((done) -> result.setResult(resource(done)));
		result.onTimeout(() -> this.queue.find(id)
			.ifPresentOrElse((now) -> result.setResult(resource(now)),
					() -> result.setErrorResult(new TaskNotFoundException(id, "Task " + id + " not found"))));
		result.onError((ex) -> finished.cancel(false));
		result.onCompletion(() -> finished.cancel(false));
		return result;
	}

	private Duration wait(String wait) {
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(wait, ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new InvalidRequestException("wait", "'wait' must be a duration such as '30s' or '30', not '" + wait + "'");
		}
		if (duration.isNegative()) {
			throw new InvalidRequestException("wait", "'wait' must not be negative");
		}
		return (duration.compareTo(this.maxWait) > 0) ? this.maxWait : duration;
	}

	@PostMapping("/tasks/{id}/cancel")
	ResponseEntity<?> cancel(@PathVariable UUID id) {
		state(id); // a task the caller may not see is not found, and not cancelled
		this.queue.cancel(id);
		TaskState state = state(id);
		if (state.status() != TaskStatus.CANCELLED) {
			return conflict("Task " + id + " is " + state.status() + " and cannot be cancelled");
		}
		return ResponseEntity.ok(resource(state));
	}

	@PostMapping("/tasks/{id}/retry")
	ResponseEntity<?> retry(@PathVariable UUID id) {
		TaskState task = state(id);
		try {
			if (!this.queue.retry(id)) {
				return conflict("Task " + id + " is " + state(id).status()
						+ "; only a FAILED or CANCELLED task can be retried");
			}
		}
		catch (TaskNotFoundException | TaskQueueUnavailableException ex) {
			throw ex;
		}
		catch (TaskQueueException ex) {
			// What the queue throws when another unfinished task now holds the task's unique key
			if (task.key() == null) {
				throw ex;
			}
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Task " + id
					+ " cannot be retried while another unfinished task holds its key '" + task.key() + "'");
			problem.setProperty("field", "key");
			return ResponseEntity.of(problem).build();
		}
		return ResponseEntity.ok(resource(state(id)));
	}

	@GetMapping(path = "/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
	JsonNode openApi() {
		return this.openApi;
	}

	/** The task, if the caller may see it: a task of a type outside the allowed ones is not found. */
	private TaskState state(UUID id) {
		return this.queue.find(id)
			.filter((task) -> this.reader.allows(task.type()))
			.orElseThrow(() -> new TaskNotFoundException(id, "Task " + id + " not found"));
	}

	private TaskResource resource(TaskState task) {
		return TaskResource.of(task, this.payloadMask);
	}

	private static ResponseEntity<ProblemDetail> conflict(String detail) {
		return ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail)).build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException ex) {
		return badRequest(ex.getMessage(), ex.getField());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		return badRequest("Malformed JSON: " + cause.getMessage(), "body");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex) {
		return badRequest("'" + ex.getName() + "' must be a task id, not '" + ex.getValue() + "'", ex.getName());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException ex) {
		return badRequest(ex.getMessage(), null);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> notFound(TaskNotFoundException ex) {
		return ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage())).build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unavailable(TaskQueueUnavailableException ex) {
		return ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage()))
			.build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> refused(ErrorResponseException ex) {
		return ResponseEntity.of(ex.getBody()).build();
	}

	private static ResponseEntity<ProblemDetail> badRequest(@Nullable String detail, @Nullable String field) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		if (field != null) {
			problem.setProperty("field", field);
		}
		return ResponseEntity.of(problem).build();
	}

	/**
	 * What a batch enqueued.
	 */
	record Batch(List<Entry> tasks) {

		/**
		 * One task of a batch, in the order of the request: {@code created} is {@code false}
		 * when the task named by {@code id} already held the request's unique key; {@code id}
		 * and {@code task} are {@code null} when a task of another type held it.
		 */
		record Entry(@Nullable UUID id, boolean created, @Nullable TaskResource task) {

		}

	}

}
