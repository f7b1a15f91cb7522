package com.canopyhub.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The hub's version and commit, as the build wrote them (src/hub/pom.xml); "unknown" where the build could not tell. */
public record BuildInfo(String version, String commit) {

    public static BuildInfo read() {
        Properties build = load("/canopyhub-build.properties");
        Properties git = load("/canopyhub-git.properties");
        String commit = git.getProperty("git.commit.id.abbrev", "unknown");
        if ("true".equals(git.getProperty("git.dirty"))) {
            commit += "-dirty";
        }
        return new BuildInfo(build.getProperty("version", "unknown"), commit);
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a build without it reports "unknown"
        }
        return p;
    }
}
