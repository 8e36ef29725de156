package dev.freshet.app.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the build version (from the jar manifest) and the running JVM. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"freshet " + (v == null ? "dev" : v), "JVM " + System.getProperty("java.vm.name") + " " + Runtime.version()};
    }
}
