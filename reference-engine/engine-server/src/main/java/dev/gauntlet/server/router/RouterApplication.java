package dev.gauntlet.server.router;

import dev.gauntlet.server.errors.ApiExceptionHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router role's Spring application ({@code --role router}): no model, only the replicas behind it.
 * It picks its beans explicitly instead of scanning, and is conditional on the role, because the
 * server's own component scan covers this package.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ConditionalOnProperty(name = RouterApplication.ROLE_PROPERTY, havingValue = RouterApplication.ROUTER_ROLE)
@EnableConfigurationProperties(RouterSettings.class)
@Import({RouterController.class, ApiExceptionHandler.class})
public class RouterApplication {
    /** The property choosing the process's role. */
    public static final String ROLE_PROPERTY = "gauntlet.role";
    /** Its value for the router. */
    public static final String ROUTER_ROLE = "router";

    /** The client for every upstream call; its threads are virtual, as the request handlers are. */
    @Bean(destroyMethod = "shutdownNow")
    HttpClient routerHttpClient(RouterSettings settings) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    @Bean
    Balancer balancer(RouterSettings settings) {
        return new Balancer(settings.upstreams().stream().map(uri -> upstream(uri, settings, true)).toList());
    }

    /** The fallback route, only with {@code --fallback}. It has no active checks: its breaker alone guards it. */
    @Bean
    @ConditionalOnProperty("gauntlet.router.fallback")
    Upstream fallbackUpstream(RouterSettings settings) {
        return upstream(settings.fallback(), settings, false);
    }

    @Bean(destroyMethod = "close")
    HealthChecker healthChecker(Balancer balancer, HttpClient routerHttpClient, RouterSettings settings) {
        HealthChecker checker = new HealthChecker(balancer.upstreams(), routerHttpClient, settings.healthInterval());
        checker.start();
        return checker;
    }

    @Bean
    RouterMetrics routerMetrics(Balancer balancer, ObjectProvider<Upstream> fallbackUpstream) {
        List<Upstream> all = new ArrayList<>(balancer.upstreams());
        fallbackUpstream.ifAvailable(all::add);
        return new RouterMetrics(all);
    }

    @Bean
    Forwarder forwarder(Balancer balancer, ObjectProvider<Upstream> fallbackUpstream, HttpClient routerHttpClient,
                        RouterSettings settings, RouterMetrics metrics, JsonMapper jsonMapper) {
        return new Forwarder(balancer, fallbackUpstream.getIfAvailable(), routerHttpClient, settings, metrics,
                jsonMapper);
    }

    private static Upstream upstream(URI uri, RouterSettings settings, boolean activelyChecked) {
        return new Upstream(uri,
                new CircuitBreaker(settings.breakerFailures(), settings.breakerCooldown().toNanos(), System::nanoTime),
                new TtftWindow(settings.ttftWindow().toNanos(), System::nanoTime), activelyChecked);
    }
}
