package dev.taskqueue.json;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JsonValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PayloadCodec}.
 */
class PayloadCodecTests {

	private final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build());

	@Test
	void bindsPayloadToAJsonValueParameterAsItIs() {
		Object bound = this.codec.read("{\"sku\":\"A-1\",\"count\":2}", JsonValue.class);
		assertThat(bound).isInstanceOfSatisfying(JsonValue.class, (json) -> {
			assertThat(json.json()).isEqualTo("{\"sku\":\"A-1\",\"count\":2}");
			assertThat(json.as(Map.class)).containsEntry("count", 2);
		});
	}

	@Test
	void rejectsTextThatIsNotJsonForAJsonValueParameter() {
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("{not json", JsonValue.class));
	}

	@Test
	void writesAJsonValueAsTheJsonItHolds() {
		JsonValue json = this.codec.value("[1,2,3]");
		assertThat(this.codec.write(json)).isEqualTo("[1,2,3]");
	}

}
