package dev.fileanalysis.server.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * Makes and rotates the value of {@value SessionKeys#VALUE_SETTING} (the session key secret), so
 * that an operator never writes key material by hand. Each command prints the new key set (JSON,
 * private parts included) on standard output; SET is a file, or {@code -} for standard input.
 *
 * <pre>
 * java -cp 'server.jar:lib/*' dev.fileanalysis.server.auth.SessionKeyTool new          a set of one new key
 *                                                                       add SET      SET and a new key after its keys: all servers verify it, none signs with it yet
 *                                                                       promote SET  its last key first: the servers sign with it
 *                                                                       retire SET   its first key alone: the keys after it no longer verify
 * </pre>
 */
public final class SessionKeyTool {

    private static final String USAGE = "Usage: SessionKeyTool new | add SET | promote SET | retire SET "
            + "(SET: a session key set file, or - for standard input)";

    private SessionKeyTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            List<ECKey> keys = switch (args.length == 0 ? "" : args[0]) {
                case "new" -> List.of(SessionKeyFile.generate());
                case "add" -> {
                    List<ECKey> extended = new ArrayList<>(read(args));
                    extended.add(SessionKeyFile.generate());
                    yield extended;
                }
                case "promote" -> {
                    List<ECKey> current = read(args);
                    ECKey newest = current.get(current.size() - 1);
                    if (!newest.isPrivate()) {
                        throw new IllegalArgumentException("The last key (" + newest.getKeyID() + ") has no private part (d), so it "
                                + "cannot sign; add a new key first.");
                    }
                    List<ECKey> promoted = new ArrayList<>(List.of(newest));
                    promoted.addAll(current.subList(0, current.size() - 1));
                    yield promoted;
                }
                case "retire" -> List.of(read(args).get(0));
                default -> throw new IllegalArgumentException(USAGE);
            };
            out.println(new JWKSet(List.<JWK>copyOf(keys)).toString(false));
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    private static List<ECKey> read(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException(USAGE);
        }
        String source = args[1].equals("-") ? "standard input" : args[1];
        String content;
        try {
            content = args[1].equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + source + ": " + e.getMessage());
        }
        try {
            return SessionKeys.validated(JWKSet.parse(content.trim()), detail -> new IllegalArgumentException(source
                    + " is not a session key set (a JWK set of EC P-256 keys): " + detail));
        } catch (ParseException e) {
            throw new IllegalArgumentException(source + " is not a session key set (a JWK set of EC P-256 keys).");
        }
    }
}
