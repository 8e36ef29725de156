package dev.freshet.model.builder;

/** Entry point for on-demand feature builders: {@code OnDemandFeatures.feature("distance_km")...}. */
public final class OnDemandFeatures {
    private OnDemandFeatures() {
    }

    public static OnDemandFeatureBuilder feature(String name) {
        return new OnDemandFeatureBuilder(name);
    }
}
