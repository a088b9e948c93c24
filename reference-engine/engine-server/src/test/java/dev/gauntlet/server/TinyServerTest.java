package dev.gauntlet.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The server over the tiny model on a random loopback port, with a small body limit (for the 413
 * test). Every class with this annotation shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = GauntletServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gauntlet.max-body-bytes=65536", "gauntlet.kv-cache-bytes=16777216", "gauntlet.max-batch-size=32"})
public @interface TinyServerTest {
}
