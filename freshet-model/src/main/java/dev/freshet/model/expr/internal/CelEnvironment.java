package dev.freshet.model.expr.internal;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.RegexLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;
import dev.freshet.model.spec.FieldType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds (and caches, per set of declared variables) the CEL environment every Freshet expression
 * is checked and, when it has no direct form, evaluated in: the standard library, heterogeneous
 * int/double ordering ({@code amount > 0} with a double {@code amount}), int overflow as an error,
 * and the custom function {@code haversine_km}.
 *
 * <p>Type mapping: string → string, int64 → int, float64 → double, bool → bool, timestamp → int
 * (epoch milliseconds).
 */
public final class CelEnvironment {
    /** Name of the great-circle distance function. */
    public static final String HAVERSINE_KM = "haversine_km";

    private static final String HAVERSINE_OVERLOAD = "haversine_km_double_double_double_double";

    static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .errorOnIntWrap(true)
            .build();

    private final Map<Map<String, FieldType>, Cel> cache = new ConcurrentHashMap<>();
    private final Map<Map<String, FieldType>, CelValidator> literalValidators = new ConcurrentHashMap<>();

    /** The environment declaring exactly these variables. */
    public Cel forVariables(Map<String, FieldType> variables) {
        return cache.computeIfAbsent(new TreeMap<>(variables), CelEnvironment::build);
    }

    /**
     * Checks the constant arguments of {@code matches} (the regex), {@code timestamp} and
     * {@code duration} in a checked expression of {@link #forVariables}'s environment: one that
     * cannot work would fail on every evaluation.
     */
    public CelValidator literalValidator(Map<String, FieldType> variables) {
        return literalValidators.computeIfAbsent(new TreeMap<>(variables), v ->
                CelValidatorFactory.standardCelValidatorBuilder(forVariables(v))
                        .addAstValidators(RegexLiteralValidator.INSTANCE, TimestampLiteralValidator.INSTANCE,
                                DurationLiteralValidator.INSTANCE)
                        .build());
    }

    private static Cel build(Map<String, FieldType> variables) {
        CelBuilder builder = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(HAVERSINE_KM,
                        CelOverloadDecl.newGlobalOverload(HAVERSINE_OVERLOAD,
                                "great-circle distance in km between (lat1, lon1) and (lat2, lon2), in degrees",
                                SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.DOUBLE,
                                SimpleType.DOUBLE)))
                .addFunctionBindings(CelFunctionBinding.from(HAVERSINE_OVERLOAD,
                        List.of(Double.class, Double.class, Double.class, Double.class),
                        args -> Haversine.km((Double) args[0], (Double) args[1], (Double) args[2], (Double) args[3])));
        variables.forEach((name, type) -> builder.addVar(name, celType(type)));
        return builder.build();
    }

    /** The CEL type a field of this type has inside expressions. */
    public static CelType celType(FieldType type) {
        return switch (type) {
            case STRING -> SimpleType.STRING;
            case INT64, TIMESTAMP -> SimpleType.INT;
            case FLOAT64 -> SimpleType.DOUBLE;
            case BOOL -> SimpleType.BOOL;
        };
    }

    /** The field type of a CEL result type, or empty when Freshet has no such value type. */
    public static Optional<FieldType> fieldType(CelType type) {
        CelKind kind = type.kind();
        return switch (kind) {
            case STRING -> Optional.of(FieldType.STRING);
            case INT -> Optional.of(FieldType.INT64);
            case DOUBLE -> Optional.of(FieldType.FLOAT64);
            case BOOL -> Optional.of(FieldType.BOOL);
            default -> Optional.empty();
        };
    }
}
