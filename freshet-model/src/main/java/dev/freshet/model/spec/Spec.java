package dev.freshet.model.spec;

/**
 * What a user wrote for one object of a feature repository. Freshet adds a {@link Meta} when the
 * object is registered; the spec itself never carries generated data, so its content hash is
 * stable.
 */
public sealed interface Spec permits EntitySpec, SourceSpec, FeatureViewSpec, OnDemandFeatureSpec, FeatureServiceSpec {
    String name();

    SpecKind kind();
}
