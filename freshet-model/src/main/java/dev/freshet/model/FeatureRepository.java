package dev.freshet.model;

import dev.freshet.model.builder.EntityBuilder;
import dev.freshet.model.builder.FeatureServiceBuilder;
import dev.freshet.model.builder.FeatureViewBuilder;
import dev.freshet.model.builder.OnDemandFeatureBuilder;
import dev.freshet.model.builder.SourceBuilder;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureServiceSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every definition of one feature repository, immutable. Produced by
 * {@link dev.freshet.model.yaml.RepositoryLoader} from YAML or by {@link #builder()} in Java; both
 * give equal objects for equal definitions.
 *
 * <p>Objects of each kind are kept sorted by name, so declaration order (across files or builder
 * calls) does not affect equality. A repository may be invalid (duplicate names, dangling
 * references): check it with {@link dev.freshet.model.validate.Validator}. Lookups by name return
 * the first object of that name.
 *
 * <pre>{@code
 * FeatureRepository repo = FeatureRepository.builder()
 *         .entity(Entities.entity("card").joinKey("card_id", FieldType.STRING))
 *         .source(Sources.stream("transactions")
 *                 .field("card_id", FieldType.STRING)
 *                 .field("amount", FieldType.FLOAT64)
 *                 .field("event_time", FieldType.TIMESTAMP)
 *                 .eventTime("event_time"))
 *         .featureView(FeatureViews.view("card_txn").entity("card").source("transactions")
 *                 .aggregation(Aggregations.count("txn_count_5m").over(Duration.ofMinutes(5)))
 *                 .aggregation(Aggregations.sum("amount_sum_1h", "amount").over(Duration.ofHours(1))))
 *         .build();
 * }</pre>
 */
public final class FeatureRepository {
    private static final Comparator<Spec> BY_NAME = Comparator.comparing(Spec::name);

    private final List<EntitySpec> entities;
    private final List<SourceSpec> sources;
    private final List<FeatureViewSpec> featureViews;
    private final List<OnDemandFeatureSpec> onDemandFeatures;
    private final List<FeatureServiceSpec> featureServices;
    private final Map<String, EntitySpec> entitiesByName;
    private final Map<String, SourceSpec> sourcesByName;
    private final Map<String, FeatureViewSpec> viewsByName;
    private final Map<String, OnDemandFeatureSpec> onDemandByName;
    private final Map<String, FeatureServiceSpec> servicesByName;

    public FeatureRepository(
            List<EntitySpec> entities,
            List<SourceSpec> sources,
            List<FeatureViewSpec> featureViews,
            List<OnDemandFeatureSpec> onDemandFeatures,
            List<FeatureServiceSpec> featureServices) {
        this.entities = sorted(entities);
        this.sources = sorted(sources);
        this.featureViews = sorted(featureViews);
        this.onDemandFeatures = sorted(onDemandFeatures);
        this.featureServices = sorted(featureServices);
        this.entitiesByName = index(this.entities);
        this.sourcesByName = index(this.sources);
        this.viewsByName = index(this.featureViews);
        this.onDemandByName = index(this.onDemandFeatures);
        this.servicesByName = index(this.featureServices);
    }

    /** A repository holding these specs, grouped by kind. */
    public static FeatureRepository of(List<? extends Spec> specs) {
        Builder b = builder();
        specs.forEach(b::add);
        return b.build();
    }

    /** An empty repository. */
    public static FeatureRepository empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<EntitySpec> entities() {
        return entities;
    }

    public List<SourceSpec> sources() {
        return sources;
    }

    public List<FeatureViewSpec> featureViews() {
        return featureViews;
    }

    public List<OnDemandFeatureSpec> onDemandFeatures() {
        return onDemandFeatures;
    }

    public List<FeatureServiceSpec> featureServices() {
        return featureServices;
    }

    public Optional<EntitySpec> entity(String name) {
        return Optional.ofNullable(entitiesByName.get(name));
    }

    public Optional<SourceSpec> source(String name) {
        return Optional.ofNullable(sourcesByName.get(name));
    }

    public Optional<FeatureViewSpec> featureView(String name) {
        return Optional.ofNullable(viewsByName.get(name));
    }

    public Optional<OnDemandFeatureSpec> onDemandFeature(String name) {
        return Optional.ofNullable(onDemandByName.get(name));
    }

    public Optional<FeatureServiceSpec> featureService(String name) {
        return Optional.ofNullable(servicesByName.get(name));
    }

    /** The object of this kind and name. */
    public Optional<? extends Spec> spec(SpecKind kind, String name) {
        return switch (kind) {
            case ENTITY -> entity(name);
            case SOURCE -> source(name);
            case FEATURE_VIEW -> featureView(name);
            case ON_DEMAND_FEATURE -> onDemandFeature(name);
            case FEATURE_SERVICE -> featureService(name);
        };
    }

    /** Every object: entities, sources, views, on-demand features, services, each sorted by name. */
    public List<Spec> allSpecs() {
        List<Spec> all = new ArrayList<>();
        all.addAll(entities);
        all.addAll(sources);
        all.addAll(featureViews);
        all.addAll(onDemandFeatures);
        all.addAll(featureServices);
        return List.copyOf(all);
    }

    /** The aggregation named {@code ref.feature()} of view {@code ref.view()}. */
    public Optional<AggregationSpec> aggregation(FeatureRef ref) {
        return featureView(ref.view()).flatMap(v -> v.aggregations().stream()
                .filter(a -> a.name().equals(ref.feature())).findFirst());
    }

    /** The batch feature named {@code ref.feature()} of view {@code ref.view()}. */
    public Optional<BatchFeatureSpec> batchFeature(FeatureRef ref) {
        return featureView(ref.view()).flatMap(v -> v.batchFeatures().stream()
                .filter(f -> f.name().equals(ref.feature())).findFirst());
    }

    /**
     * The features a service serves, in order, with {@code view:*} expanded to every feature of the
     * view ({@code view:feature} for view features, the bare name for on-demand features). References
     * that do not resolve are returned unchanged (validation reports them).
     */
    public List<String> expandFeatures(FeatureServiceSpec service) {
        List<String> out = new ArrayList<>();
        for (String ref : service.features()) {
            Optional<FeatureRef> parsed = FeatureRef.parse(ref);
            Optional<FeatureViewSpec> view = parsed.filter(FeatureRef::isWildcard).flatMap(r -> featureView(r.view()));
            if (view.isPresent()) {
                view.get().aggregations().forEach(a -> out.add(new FeatureRef(view.get().name(), a.name()).toString()));
                view.get().batchFeatures().forEach(f -> out.add(new FeatureRef(view.get().name(), f.name()).toString()));
            } else {
                out.add(parsed.map(FeatureRef::toString).orElse(ref));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureRepository r
                && entities.equals(r.entities)
                && sources.equals(r.sources)
                && featureViews.equals(r.featureViews)
                && onDemandFeatures.equals(r.onDemandFeatures)
                && featureServices.equals(r.featureServices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entities, sources, featureViews, onDemandFeatures, featureServices);
    }

    @Override
    public String toString() {
        return "FeatureRepository[entities=" + entities + ", sources=" + sources + ", featureViews=" + featureViews
                + ", onDemandFeatures=" + onDemandFeatures + ", featureServices=" + featureServices + "]";
    }

    private static <S extends Spec> List<S> sorted(List<S> specs) {
        List<S> copy = new ArrayList<>(specs);
        copy.sort(BY_NAME);
        return List.copyOf(copy);
    }

    private static <S extends Spec> Map<String, S> index(List<S> specs) {
        Map<String, S> map = new LinkedHashMap<>();
        specs.forEach(s -> map.putIfAbsent(s.name(), s));
        return map;
    }

    /** Collects specs (or spec builders) of every kind; {@link #build()} does not validate. */
    public static final class Builder {
        private final List<EntitySpec> entities = new ArrayList<>();
        private final List<SourceSpec> sources = new ArrayList<>();
        private final List<FeatureViewSpec> featureViews = new ArrayList<>();
        private final List<OnDemandFeatureSpec> onDemandFeatures = new ArrayList<>();
        private final List<FeatureServiceSpec> featureServices = new ArrayList<>();

        private Builder() {
        }

        /** Adds a spec of any kind. */
        public Builder add(Spec spec) {
            switch (spec) {
                case EntitySpec e -> entities.add(e);
                case SourceSpec s -> sources.add(s);
                case FeatureViewSpec v -> featureViews.add(v);
                case OnDemandFeatureSpec o -> onDemandFeatures.add(o);
                case FeatureServiceSpec f -> featureServices.add(f);
            }
            return this;
        }

        public Builder entity(EntitySpec spec) {
            return add(spec);
        }

        public Builder entity(EntityBuilder builder) {
            return add(builder.build());
        }

        public Builder source(SourceSpec spec) {
            return add(spec);
        }

        public Builder source(SourceBuilder builder) {
            return add(builder.build());
        }

        public Builder featureView(FeatureViewSpec spec) {
            return add(spec);
        }

        public Builder featureView(FeatureViewBuilder builder) {
            return add(builder.build());
        }

        public Builder onDemandFeature(OnDemandFeatureSpec spec) {
            return add(spec);
        }

        public Builder onDemandFeature(OnDemandFeatureBuilder builder) {
            return add(builder.build());
        }

        public Builder featureService(FeatureServiceSpec spec) {
            return add(spec);
        }

        public Builder featureService(FeatureServiceBuilder builder) {
            return add(builder.build());
        }

        /** Adds every spec of another repository. */
        public Builder addAll(FeatureRepository other) {
            other.allSpecs().forEach(this::add);
            return this;
        }

        public FeatureRepository build() {
            return new FeatureRepository(entities, sources, featureViews, onDemandFeatures, featureServices);
        }
    }
}
