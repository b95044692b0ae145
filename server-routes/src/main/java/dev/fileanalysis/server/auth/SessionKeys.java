package dev.fileanalysis.server.auth;

import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.fileanalysis.runtime.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's session signing keys: a JWK set of EC P-256 keys, the first of which signs (so it
 * must hold its private part) while every one verifies. Every server behind one address must hold
 * the same set, or a token one of them signed is refused by the next. So where several run (ECS
 * tasks) the set comes as a value, {@value #VALUE_SETTING} (a Secrets Manager secret in the task's
 * environment), and nothing is written; a server on its own keeps it in a file it makes when missing,
 * {@value #FILE_SETTING}. The keys are never printed: errors about a value say what is wrong with
 * it, not what it holds.
 */
public final class SessionKeys {

    /** The key set as a value (the content of a key file); when set, it is the only source. */
    public static final String VALUE_SETTING = "auth.session-keys";
    /** The key set in a file, created (0600) with one new key when missing. */
    public static final String FILE_SETTING = "auth.session-key-file";

    private static final Logger LOG = LoggerFactory.getLogger(SessionKeys.class);
    /** A run of characters long enough to be key material (base64url coordinates are 43). */
    private static final Pattern KEY_MATERIAL = Pattern.compile("[A-Za-z0-9_-]{12,}");

    private final List<ECKey> keys;

    private SessionKeys(List<ECKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * The keys the settings name: {@value #VALUE_SETTING} when it is set (the file setting is then
     * neither read nor written, and the log says so once), else {@value #FILE_SETTING}.
     *
     * @throws IllegalStateException naming the setting when its value is not a valid key set, or when
     *                               neither is set
     */
    public static SessionKeys configured(Settings settings) {
        String value = settings.get(VALUE_SETTING, "");
        String file = settings.get(FILE_SETTING, "").trim();
        if (!value.isBlank()) {
            SessionKeys keys = fromValue(value);
            LOG.info("Session keys from {}: {} key(s), signing with key {}{}", VALUE_SETTING, keys.keys.size(),
                    keys.signingKeyId(), file.isEmpty() ? "" : "; " + FILE_SETTING + " (" + file + ") is neither read nor written");
            return keys;
        }
        if (file.isEmpty()) {
            throw new IllegalStateException("No session keys: set " + VALUE_SETTING + " (a JWK set of EC P-256 keys, as environment "
                    + "variable " + Settings.environmentName(VALUE_SETTING) + ") or " + FILE_SETTING
                    + " (a file the server creates when missing).");
        }
        return fromFile(Path.of(file));
    }

    /**
     * The key set given as a value (JSON, the content of a key file).
     *
     * @throws IllegalStateException naming {@value #VALUE_SETTING} and what is wrong, never quoting the value
     */
    public static SessionKeys fromValue(String jwkSetJson) {
        Function<String, RuntimeException> malformed = detail -> new IllegalStateException("Setting " + VALUE_SETTING
                + " (environment variable " + Settings.environmentName(VALUE_SETTING) + ") is not a valid session key set, "
                + "a JWK set of EC P-256 keys ({\"keys\": [...]}, the content of a session key file): " + detail
                + ". Its value is not shown: it holds private keys.");
        JWKSet set;
        try {
            set = JWKSet.parse(jwkSetJson.trim());
        } catch (ParseException e) {
            throw malformed.apply(withoutKeyMaterial(e.getMessage(), jwkSetJson));
        }
        return new SessionKeys(validated(set, malformed));
    }

    /**
     * The key set in {@code file}, or a new one of one key written there (mode 0600, parent folders
     * included) when the file is missing.
     *
     * @throws java.io.UncheckedIOException naming the file if it cannot be read, created or parsed
     */
    public static SessionKeys fromFile(Path file) {
        return new SessionKeys(SessionKeyFile.loadOrCreate(file));
    }

    /** The key id of the key that signs new tokens (public: the JWKS endpoint names it too). */
    public String signingKeyId() {
        return keys.get(0).getKeyID();
    }

    List<ECKey> keys() {
        return keys;
    }

    /**
     * What a session key set must be, wherever it comes from: at least one key, each EC P-256 with a
     * key id of its own, the first with its private part.
     */
    static List<ECKey> validated(JWKSet set, Function<String, ? extends RuntimeException> malformed) {
        if (set.getKeys().isEmpty()) {
            throw malformed.apply("it holds no keys");
        }
        Set<String> kids = new HashSet<>();
        List<ECKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
                throw malformed.apply("key '" + jwk.getKeyID() + "' is not an EC P-256 key");
            }
            if (ec.getKeyID() == null || ec.getKeyID().isBlank()) {
                throw malformed.apply("a key has no key id (kid)");
            }
            if (!kids.add(ec.getKeyID())) {
                throw malformed.apply("key id '" + ec.getKeyID() + "' appears twice");
            }
            keys.add(ec);
        }
        if (!keys.get(0).isPrivate()) {
            throw malformed.apply("the first key signs, so it must include its private part (d)");
        }
        return keys;
    }

    /**
     * The JSON parser's own message, unless it quotes a piece of the value that could be key
     * material; then only that the value is not a JWK set.
     */
    static String withoutKeyMaterial(String message, String value) {
        if (message == null) {
            return "it is not a JSON JWK set";
        }
        Matcher material = KEY_MATERIAL.matcher(value);
        while (material.find()) {
            if (message.contains(material.group())) {
                return "it is not a JSON JWK set";
            }
        }
        return message;
    }
}
