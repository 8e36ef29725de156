package dev.freshet.model.builder;

/** Entry point for feature view builders: {@code FeatureViews.view("card_txn").entity("card")...}. */
public final class FeatureViews {
    private FeatureViews() {
    }

    public static FeatureViewBuilder view(String name) {
        return new FeatureViewBuilder(name);
    }
}
