package dev.taskqueue.sample;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TaskQueue's operator's endpoint over HTTP with its default access: reads work for anyone,
 * writes are not mapped, and need an operator to get that far.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=taskqueue")
class SampleActuatorReadOnlyTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private TaskQueue queue;

	@Test
	void byDefaultTheEndpointReadsButDoesNotCancel() {
		RestClient http = RestClient.builder().baseUrl("http://localhost:" + this.port + "/actuator").build();
		UUID id = this.queue.enqueue(SampleActuatorTests.later()).id();
		int read = http.get().uri("/taskqueue/tasks/" + id).exchange(
				(request, response) -> response.getStatusCode().value());
		assertThat(read).isEqualTo(200);
		int anonymousCancel = http.post().uri("/taskqueue/tasks/" + id + "/cancel").exchange(
				(request, response) -> response.getStatusCode().value());
		assertThat(anonymousCancel).isEqualTo(401);
		int cancel = http.post().uri("/taskqueue/tasks/" + id + "/cancel")
			.headers((headers) -> headers.setBasicAuth("operator", "operator"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(cancel).isIn(404, 405);
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		this.queue.cancel(id);
	}

}
