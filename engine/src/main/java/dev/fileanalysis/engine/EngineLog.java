package dev.fileanalysis.engine;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where the engine says what it does. The console implementation is what operators and the
 * system tests read; tests of the engine itself inject their own to assert on the lines without
 * scraping stdout.
 */
public interface EngineLog {

    /**
     * The engine is accepting requests at {@code url}. Called exactly once, before any other line
     * about the running server, so a launcher can read the port from the first line of stdout.
     */
    void ready(String url);

    void info(String message);

    void warn(String message);

    /**
     * {@code engine http://HOST:PORT} as the first stdout line, then one line per event,
     * {@code <ISO-8601 UTC> <LEVEL> <message>}, on stdout so the two stay in order.
     */
    static EngineLog console() {
        return console(System.out, Clock.systemUTC());
    }

    static EngineLog console(PrintStream out, Clock clock) {
        DateTimeFormatter timestamp = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        return new EngineLog() {
            @Override
            public void ready(String url) {
                out.println("engine " + url);
                out.flush();
            }

            @Override
            public void info(String message) {
                line("INFO", message);
            }

            @Override
            public void warn(String message) {
                line("WARN", message);
            }

            private void line(String level, String message) {
                // One event is one line, whatever the message holds.
                String flat = message.replace('\r', ' ').replace('\n', ' ');
                out.println(timestamp.format(clock.instant()) + " " + level + " " + flat);
                out.flush();
            }
        };
    }
}
