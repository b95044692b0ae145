package dev.fileanalysis.cli;

import dev.fileanalysis.crypto.ClientKeyFile;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.PayloadAuthenticationException;
import dev.fileanalysis.crypto.ResultCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Reads a result by hand with the device's key, e.g. one copied out of the results table. */
@Command(name = "decrypt",
        description = "Decrypts a result payload with a client key file and prints the plaintext.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:decrypted", "1:payload malformed, tampered with, or for another key",
                "2:key file or payload file unreadable"})
public class DecryptCommand implements Callable<Integer> {

    static final int DECRYPTED = 0;
    static final int NOT_AUTHENTIC = 1;
    static final int UNREADABLE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--key", required = true, paramLabel = "KEYFILE",
            description = "The client key file (client-key.json) of the device the result was encrypted to.")
    Path keyFile;

    /*
     * picocli expands @FILE arguments itself unless the root command turned that off; reading
     * '@path' here as well makes both configurations behave the same.
     */
    @Parameters(index = "0", paramLabel = "PAYLOAD",
            description = "ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex, or @FILE to read it from FILE.")
    String payload;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientKeyPair keys;
        String text;
        try {
            keys = ClientKeyFile.load(keyFile);
            text = payloadText();
        } catch (NoSuchFileException e) {
            err.println(e.getFile() + ": no such file");
            err.flush();
            return UNREADABLE;
        } catch (IOException e) {
            err.println(e.getMessage());
            err.flush();
            return UNREADABLE;
        }
        byte[] plaintext;
        try {
            plaintext = ResultCipher.decrypt(text, keys);
        } catch (PayloadAuthenticationException e) {
            err.println("cannot decrypt: " + e.getMessage());
            err.flush();
            return NOT_AUTHENTIC;
        }
        out.print(new String(plaintext, StandardCharsets.UTF_8));
        out.flush();
        return DECRYPTED;
    }

    private String payloadText() throws IOException {
        if (!payload.startsWith("@")) {
            return payload.strip();
        }
        Path file = Path.of(payload.substring(1));
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": cannot read payload: " + e.getMessage(), e);
        }
    }
}
