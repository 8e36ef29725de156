package dev.freshet.model.spec;

/** The kinds of object a feature repository holds. */
public enum SpecKind {
    ENTITY, SOURCE, FEATURE_VIEW, ON_DEMAND_FEATURE, FEATURE_SERVICE
}
