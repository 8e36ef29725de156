package dev.freshet.model;

import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;

import dev.freshet.model.builder.Aggregations;
import dev.freshet.model.builder.Entities;
import dev.freshet.model.builder.FeatureServices;
import dev.freshet.model.builder.FeatureViews;
import dev.freshet.model.builder.OnDemandFeatures;
import dev.freshet.model.builder.Sources;
import dev.freshet.model.spec.FieldType;
import java.nio.file.Path;

/** The examples/fraud repository, written with the Java builder API. */
public final class FraudExample {
    /** The YAML version, relative to the module folder tests run in. */
    public static final Path DIR = Path.of("..", "examples", "fraud");

    private FraudExample() {
    }

    public static FeatureRepository repository() {
        return FeatureRepository.builder()
                .entity(Entities.entity("card")
                        .joinKey("card_id", FieldType.STRING)
                        .description("A payment card, identified by its card id."))
                .source(Sources.stream("transactions")
                        .field("card_id", FieldType.STRING)
                        .field("merchant_id", FieldType.STRING)
                        .field("amount", FieldType.FLOAT64)
                        .field("currency", FieldType.STRING)
                        .field("lat", FieldType.FLOAT64)
                        .field("lon", FieldType.FLOAT64)
                        .field("event_time", FieldType.TIMESTAMP)
                        .eventTime("event_time")
                        .allowedLateness(ofMinutes(5))
                        .maxFutureSkew(ofMinutes(1))
                        .option("format", "json")
                        .description("Card transactions, pushed over HTTP as JSON, one event per authorisation."))
                .featureView(FeatureViews.view("card_txn")
                        .entity("card")
                        .source("transactions")
                        .description("Spending velocity and location of a card.")
                        .tag("team", "fraud")
                        .aggregation(Aggregations.count("txn_count_5m").over(ofMinutes(5))
                                .description("Transactions in the last 5 minutes."))
                        .aggregation(Aggregations.count("txn_count_1h").over(ofHours(1)))
                        .aggregation(Aggregations.sum("amount_sum_1h", "amount").over(ofHours(1)).where("amount > 0")
                                .description("Total amount spent in the last hour (refunds excluded)."))
                        .aggregation(Aggregations.avg("amount_avg_1h", "amount").over(ofHours(1)))
                        .aggregation(Aggregations.max("amount_max_24h", "amount").over(ofHours(24)))
                        .aggregation(Aggregations.stddev("amount_stddev_1h", "amount").over(ofHours(1))
                                .description("Sample standard deviation; null with fewer than two transactions."))
                        .aggregation(Aggregations.approxCountDistinct("merchants_approx_distinct_24h", "merchant_id")
                                .over(ofHours(24)))
                        .aggregation(Aggregations.approxPercentile("amount_p95_24h", "amount", 0.95).over(ofHours(24)))
                        .aggregation(Aggregations.count("foreign_txn_count_1h").over(ofHours(1)).hop(ofMinutes(1))
                                .where("currency != 'USD'")
                                .description("Transactions not in USD in the last hour, updated every minute."))
                        .aggregation(Aggregations.last("last_lat", "lat").lifetime())
                        .aggregation(Aggregations.last("last_lon", "lon").lifetime())
                        .aggregation(Aggregations.count("txn_count_lifetime").lifetime()))
                .source(Sources.batch("card_profiles")
                        .field("card_id", FieldType.STRING)
                        .optionalField("credit_limit", FieldType.FLOAT64)
                        .optionalField("home_country", FieldType.STRING)
                        .field("updated_at", FieldType.TIMESTAMP)
                        .eventTime("updated_at")
                        .option("path", "data/card_profiles.csv")
                        .option("created_timestamp_field", "updated_at")
                        .description("Card holder profiles from the card management system, exported nightly."))
                .featureView(FeatureViews.view("card_profile")
                        .entity("card")
                        .source("card_profiles")
                        .ttl(ofDays(3650))
                        .batchFeature("credit_limit", "credit_limit")
                        .batchFeature("home_country", "home_country"))
                .onDemandFeature(OnDemandFeatures.feature("distance_from_last_txn_km")
                        .type(FieldType.FLOAT64)
                        .description("Distance between this transaction and the card's previous one.")
                        .requestField("lat", FieldType.FLOAT64)
                        .requestField("lon", FieldType.FLOAT64)
                        .feature("card_txn:last_lat")
                        .feature("card_txn:last_lon")
                        .expression("haversine_km(lat, lon, card_txn__last_lat, card_txn__last_lon)"))
                .featureService(FeatureServices.service("fraud_model_v1")
                        .description("Features of the card fraud model, version 1.")
                        .features("card_txn:*", "distance_from_last_txn_km"))
                .build();
    }
}
