package shelf.docs;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;

/**
 * The OpenAPI document at GET /openapi.json.
 *
 * <p>springdoc-openapi builds it from the controllers: every route, its parameters with their
 * constraints ({@code @Min}, {@code @Pattern}...), the request and response bodies as schemas.
 * What a handler's signature does not show is added here, in one place:
 * <ul>
 * <li>the success status when it is not 200 ({@code ResponseEntity.created(...)} is 201 with
 * Location, {@code noContent()} 204), from {@link Contract#ANSWERS};</li>
 * <li>the errors, all {@code application/problem+json}: the ones a handler throws itself (404,
 * 409: {@link Contract#ANSWERS}) and the ones of the whole API: 400 and 422 for a request body and 422
 * for query parameters ({@code ApiErrors}), 429 for every write ({@code WriteRateLimit});</li>
 * <li>the fields of the bodies sent, always present, and the fields that may be null
 * ({@link Contract#NULLABLE}).</li>
 * </ul>
 */
@Configuration
public class ApiDocs {

    static final String PROBLEM = "application/problem+json";

    /** One reusable response per error status (#/components/responses/...). */
    static final Map<Integer, String> ERRORS = Map.of(
            400, "BadRequest", 404, "NotFound", 409, "Conflict", 422, "Unprocessable", 429, "TooManyRequests");

    private static final Map<Integer, String> ERROR_DESCRIPTIONS = Map.of(
            400, "The body is not valid JSON.",
            404, "No such resource.",
            409, "Conflicts with the current state (a duplicate, no copy left, returned already).",
            422, "Invalid body or query parameter.",
            429, "Too many writes from this client; retry after the given delay.");

    /** The bodies the API sends (schemas are named after the records): each field always there. */
    static final List<String> SENT = List.of("Author", "BookView", "BookPage", "Member", "Loan");

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    /**
     * Schemas with the names Jackson writes (author_id, not authorId): springdoc reads the
     * classes with a mapper of its own, which knows nothing of spring.jackson.property-naming-strategy.
     */
    @Bean
    public ModelResolver modelResolver(ObjectMapper objectMapper) {
        return new ModelResolver(objectMapper).openapi31(true);
    }

    @Bean
    public OpenApiCustomizer shelfDocument() {
        return openApi -> {
            openApi.info(new Info().title("Shelf").version("1")
                    .description("The lending-library API: authors, books, members and loans."));
            openApi.servers(List.of(new Server().url("/")));
            Components components = openApi.getComponents();
            components.addSchemas("Problem", problemSchema());
            ERRORS.forEach((status, name) -> components.addResponses(name, errorResponse(status)));
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                    .forEach((method, operation) -> answers(method, path, operation)));
            SENT.forEach(name -> schema(openApi, name).ifPresent(schema -> schema.setRequired(
                    new ArrayList<>(schema.getProperties().keySet()))));
            Contract.NULLABLE.forEach((name, fields) -> schema(openApi, name).ifPresent(schema -> fields.forEach(field -> {
                Schema<?> property = schema.getProperties().get(field);
                if (property != null && property.getTypes() != null) {
                    property.addType("null");
                }
            })));
        };
    }

    private static void answers(HttpMethod method, String path, Operation operation) {
        Contract.Answers answers = Contract.ANSWERS.getOrDefault(method + " " + path, Contract.Answers.of(200));
        ApiResponses documented = operation.getResponses();
        ApiResponse ok = documented.get("200");
        ApiResponses responses = new ApiResponses();
        if (answers.success() == 201) {
            responses.addApiResponse("201", new ApiResponse().description("Created.")
                    .addHeaderObject("Location", new Header().required(true)
                            .description("The URL of the new resource.").schema(string()))
                    .content(ok == null ? null : ok.getContent()));
        } else if (answers.success() == 204) {
            responses.addApiResponse("204", new ApiResponse().description("No Content."));
        } else if (ok != null) {
            responses.addApiResponse("200", ok);
        }
        Set<Integer> errors = new TreeSet<>(answers.errors());
        if (operation.getRequestBody() != null) {
            errors.add(400);
            errors.add(422);
        }
        if (operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()))) {
            errors.add(422);
        }
        if (WRITES.contains(method)) {
            errors.add(429);
        }
        errors.forEach(status -> responses.addApiResponse(String.valueOf(status),
                new ApiResponse().$ref(ERRORS.get(status))));
        operation.setResponses(responses);
    }

    /** A schema springdoc made of a record, by name. */
    private static Optional<Schema<?>> schema(OpenAPI openApi, String name) {
        Schema<?> schema = openApi.getComponents().getSchemas().get(name);
        return schema == null || schema.getProperties() == null ? Optional.empty() : Optional.of(schema);
    }

    private static ApiResponse errorResponse(int status) {
        ApiResponse response = new ApiResponse().description(ERROR_DESCRIPTIONS.get(status))
                .content(new Content().addMediaType(PROBLEM,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
        if (status == 429) {
            response.addHeaderObject("Retry-After", new Header().required(true)
                    .description("Seconds to wait before writing again.").schema(string()));
        }
        return response;
    }

    /** RFC 9457 problem details, as ProblemDetail is written. */
    private static Schema<Object> problemSchema() {
        return new Schema<>().types(Set.of("object")).description("RFC 9457 problem details.")
                .required(List.of("type", "title", "status"))
                .addProperty("type", string().description("A URI reference; about:blank by default."))
                .addProperty("title", string())
                .addProperty("status", new Schema<>().types(Set.of("integer"))
                        .minimum(BigDecimal.valueOf(100)).maximum(BigDecimal.valueOf(599)))
                .addProperty("detail", string())
                .addProperty("instance", string());
    }

    private static Schema<Object> string() {
        return new Schema<>().types(Set.of("string"));
    }
}
