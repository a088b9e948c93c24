package dev.gauntlet.server.chaos;

import dev.gauntlet.server.web.JsonBodyReader;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/assaults}: the engine's own assaults, switchable at run time. Guarded by the admin
 * key ({@code AdminKeyFilter}); available in every profile, beside Chaos Monkey's.
 * <ul>
 *   <li>{@code GET}: the assaults now, with the KV blocks held back;</li>
 *   <li>{@code POST {"kv_hold_back_share":0.5,"step_delay_ms":20,"fail_next_steps":3}}: changes
 *       the fields given;</li>
 *   <li>{@code DELETE}: turns everything off.</li>
 * </ul>
 */
@RestController
@RequestMapping("/admin/assaults")
public class AssaultController {
    private final EngineAssaults assaults;
    private final JsonBodyReader bodies;

    public AssaultController(EngineAssaults assaults, JsonBodyReader bodies) {
        this.assaults = assaults;
        this.bodies = bodies;
    }

    @GetMapping
    AssaultState get() {
        return assaults.state();
    }

    @PostMapping
    AssaultState post(HttpServletRequest request) {
        return assaults.apply(AssaultUpdate.parse(bodies.read(request, JsonNode.class)));
    }

    @DeleteMapping
    AssaultState delete() {
        return assaults.reset();
    }
}
