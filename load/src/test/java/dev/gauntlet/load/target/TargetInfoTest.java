package dev.gauntlet.load.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetInfoTest {

    @Test
    void infoGaugesOfKnownEnginesAreReadWithTheirLabels() {
        String exposition = """
                # HELP vllm:cache_config_info Information of the LLMEngine CacheConfig
                # TYPE vllm:cache_config_info gauge
                vllm:cache_config_info{block_size="16",cache_dtype="auto",gpu_memory_utilization="0.9",num_gpu_blocks="2810"} 1.0
                vllm:num_requests_running{model_name="m"} 3.0
                llm_engine_info{model="tiny",quant="q4_0",backend="cpu",tp="1"} 1.0
                python_info{implementation="CPython",version="3.12"} 1.0
                llm_odd_info{note="a \\"quoted\\" \\\\ value\\nnext"} 1
                llm_broken_info{unterminated="x} 1
                llm_bare_info 1
                """;
        Map<String, List<Map<String, String>>> info = PrometheusInfo.parse(exposition);
        assertEquals(List.of("vllm:cache_config_info", "llm_engine_info", "llm_odd_info", "llm_bare_info"),
                List.copyOf(info.keySet()));
        assertEquals("2810", info.get("vllm:cache_config_info").getFirst().get("num_gpu_blocks"));
        assertEquals(Map.of("model", "tiny", "quant", "q4_0", "backend", "cpu", "tp", "1"), info.get("llm_engine_info").getFirst());
        assertEquals("a \"quoted\" \\ value\nnext", info.get("llm_odd_info").getFirst().get("note"));
        assertEquals(Map.of(), info.get("llm_bare_info").getFirst());
    }

    @Test
    void aTargetWithoutMetricsIsRecordedAsSuch() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/models", exchange -> {
            byte[] body = "{\"data\":[{\"id\":\"m1\"}]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            TargetInfo info = TargetInfo.query(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null);
            assertEquals("m1", info.firstModel());
            assertNull(info.error());
            assertNull(info.metricsInfo());
            assertEquals("GET /metrics: HTTP 404", info.metricsError());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theFakeServerReportsAVllmCacheConfig() throws Exception {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(0, new FakeOpenAiServer.Behaviour(Duration.ZERO, Duration.ZERO, 0))) {
            TargetInfo info = TargetInfo.query(fake.baseUrl(), null);
            assertEquals(FakeOpenAiServer.MODEL, info.firstModel());
            assertEquals("1024", info.metricsInfo().get("vllm:cache_config_info").getFirst().get("num_gpu_blocks"));
            assertTrue(info.metricsError() == null);
        }
    }
}
