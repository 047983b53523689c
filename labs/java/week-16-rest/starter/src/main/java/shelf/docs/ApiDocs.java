package shelf.docs;

import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;

/**
 * The OpenAPI document at GET /openapi.json (application.properties: springdoc.api-docs.path).
 *
 * <p>springdoc-openapi builds it from the controllers: every route, its parameters with their
 * constraints, the request and response bodies as schemas (named after the classes). It cannot
 * know what a handler decides at run time: the 201 of {@code ResponseEntity.created(...)}, the
 * 404 it throws, the problem documents of ApiErrors and of the rate limit. Say it with
 * annotations on the handlers ({@code @ResponseStatus}, {@code @ApiResponse}), here, or both.
 */
@Configuration
public class ApiDocs {

    /**
     * Schemas with the names Jackson writes (author_id, not authorId): springdoc reads the
     * classes with a mapper of its own, which knows nothing of spring.jackson.property-naming-strategy.
     */
    @Bean
    public ModelResolver modelResolver(ObjectMapper objectMapper) {
        return new ModelResolver(objectMapper).openapi31(true);
    }

    /** Runs once on the generated document, before it is served. */
    @Bean
    public OpenApiCustomizer shelfDocument() {
        return openApi -> {
            openApi.info(new Info().title("Shelf").version("1"));
            openApi.servers(List.of(new Server().url("/")));
            // TODO (LAB.md, task 1): make the document tell the truth about every operation:
            // - the success status: 201 (with a Location header) for a create, 204 for a delete;
            // - each error status of the contract (contract/shelf.openapi.yaml) as application/problem+json
            //   with a Problem schema: components.addResponses("NotFound", ...) once, then on each
            //   operation a response {"$ref": "#/components/responses/NotFound"} (new ApiResponse().$ref("NotFound"));
            // - the fields that may be null ("year", "next_cursor", "returned_at"): add "null" to their types.
            // openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> ...));
        };
    }
}
