package dev.gauntlet.server;

import dev.gauntlet.server.admission.AdmissionControl;
import dev.gauntlet.server.admission.RateLimiter;
import dev.gauntlet.server.metrics.ServerMetrics;
import dev.gauntlet.server.model.ModelService;
import java.io.IOException;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The Spring Boot application: wires the model, admission control and metrics. */
@SpringBootApplication
@EnableConfigurationProperties(ServerSettings.class)
public class GauntletServerApplication {

    /** Loads the model and starts the engine; closed (engine stopped) when the context closes. */
    @Bean(destroyMethod = "close")
    ModelService modelService(ServerSettings settings) throws IOException {
        return ModelService.load(settings);
    }

    @Bean
    AdmissionControl admissionControl(ServerSettings settings) {
        // Running requests are bounded by the batch size; the rest wait, up to maxQueue of them.
        return new AdmissionControl(settings.maxBatchSize() + settings.maxQueue(), settings.retryAfterSeconds());
    }

    @Bean
    ServerMetrics serverMetrics(ModelService model, AdmissionControl admission, RateLimiter rateLimiter) {
        return new ServerMetrics(model, admission, rateLimiter);
    }

    /**
     * The one JSON mapper, for request bodies, responses and SSE chunks: OpenAI's snake_case names,
     * absent optional fields left out, and unknown request fields (other OpenAI options) ignored.
     */
    @Bean
    JsonMapper jsonMapper() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** Warms the engine up off the startup thread, so that /health answers while it runs. */
    @EventListener(ApplicationReadyEvent.class)
    void warmUp(ApplicationReadyEvent event) {
        ModelService model = event.getApplicationContext().getBean(ModelService.class);
        Thread.ofVirtual().name("warm-up").start(model::warmUp);
    }
}
