package dev.pgkeep.metrics.micrometer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Series and values of a Prometheus text-format scrape, as a scraper reads them. */
final class PrometheusScrape {
    private PrometheusScrape() {}

    /** {@code name{labels}} (exactly as printed) to value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String value = line.substring(space + 1);
            series.put(
                    line.substring(0, space),
                    switch (value) {
                        case "+Inf" -> Double.POSITIVE_INFINITY;
                        case "-Inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(value);
                    });
        }
        return series;
    }
}
