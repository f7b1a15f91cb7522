package com.canopyhub.source.origintrace;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ISO 3166-1 alpha-2 codes of country names as a person writes them ("Netherlands", "Côte d'Ivoire", "USA"): the
 * JDK's English names, a few common other forms, and a code given as is. Unknown: null (the name is kept as written).
 */
final class CountryCodes {

    private static final Map<String, String> BY_NAME = new HashMap<>();

    static {
        for (String code : Locale.getISOCountries()) {
            BY_NAME.put(key(new Locale("", code).getDisplayCountry(Locale.ENGLISH)), code);
            BY_NAME.put(key(code), code);
        }
        Map<String, String> aliases = Map.ofEntries(Map.entry("the netherlands", "NL"), Map.entry("holland", "NL"),
                Map.entry("usa", "US"), Map.entry("united states of america", "US"), Map.entry("uk", "GB"),
                Map.entry("great britain", "GB"), Map.entry("england", "GB"), Map.entry("ivory coast", "CI"),
                Map.entry("cote d'ivoire", "CI"), Map.entry("cote divoire", "CI"), Map.entry("south korea", "KR"),
                Map.entry("russia", "RU"), Map.entry("vietnam", "VN"), Map.entry("czech republic", "CZ"),
                Map.entry("turkey", "TR"), Map.entry("uae", "AE"), Map.entry("drc", "CD"),
                Map.entry("democratic republic of the congo", "CD"), Map.entry("republic of the congo", "CG"));
        aliases.forEach((name, code) -> BY_NAME.put(key(name), code));
    }

    private CountryCodes() {
    }

    static String alpha2(String name) {
        return name == null ? null : BY_NAME.get(key(name));
    }

    private static String key(String name) {
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return plain.trim().toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("\\s+", " ");
    }
}
