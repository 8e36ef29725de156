package dev.freshet.model.expr.internal;

/**
 * Great-circle distance on a sphere, the CEL function {@code haversine_km(lat1, lon1, lat2, lon2)}.
 * The direct form and the CEL binding both call {@link #km}, so they agree exactly.
 */
public final class Haversine {
    /** Mean earth radius (IUGG), kilometres. */
    public static final double EARTH_RADIUS_KM = 6371.0088;

    private Haversine() {
    }

    /** Distance in km between two points given in degrees. */
    public static double km(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = Math.toRadians(lat2 - lat1);
        double dLambda = Math.toRadians(lon2 - lon1);
        double sinPhi = Math.sin(dPhi / 2);
        double sinLambda = Math.sin(dLambda / 2);
        double a = sinPhi * sinPhi + Math.cos(phi1) * Math.cos(phi2) * sinLambda * sinLambda;
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }
}
