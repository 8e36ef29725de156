package dev.freshet.model.builder;

/** Entry point for feature service builders: {@code FeatureServices.service("fraud_model_v1")...}. */
public final class FeatureServices {
    private FeatureServices() {
    }

    public static FeatureServiceBuilder service(String name) {
        return new FeatureServiceBuilder(name);
    }
}
