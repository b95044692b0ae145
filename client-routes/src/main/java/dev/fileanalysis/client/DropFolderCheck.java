package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what in the drop folder can be sent: regular files only. A folder, a symbolic link (it
 * could send a file from anywhere on the computer) or a pipe or device is refused with a message
 * that names it and says what to do. {@link #scan()} finds the entries the watch route never
 * hands over (its file consumer skips folders), so they are reported too.
 */
public final class DropFolderCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DropFolderCheck.class);

    private final Path dropFolder;
    private final Pattern ignoredNames;
    /** When to look through the folder again; null: at every scan. */
    private final DropFolderChanges changes;
    /** Ignored names already said to be left alone. */
    private final java.util.Set<String> leftAlone = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DropFolderCheck(Path dropFolder, String ignoredNames) {
        this(dropFolder, ignoredNames, null);
    }

    /** A check that looks through the folder only when {@code changes} says something may be new there. */
    public DropFolderCheck(Path dropFolder, String ignoredNames, DropFolderChanges changes) {
        this.dropFolder = dropFolder;
        this.ignoredNames = Pattern.compile(ignoredNames);
        this.changes = changes;
    }

    /**
     * The identity of {@code file} if it can be sent; otherwise an {@link UnsendableFileException}
     * saying why. A file that is not there (any more) is a {@link NoSuchFileException}.
     */
    public static FileIdentity sendable(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String name = file.getFileName().toString();
        if (attributes.isSymbolicLink()) {
            String target;
            try {
                target = Files.readSymbolicLink(file).toString();
            } catch (IOException unreadable) {
                target = "somewhere it cannot read";
            }
            throw refusal(file, attributes, "link", name + " is a symbolic link (to " + target + "). The client sends only "
                    + "regular files, so that a link cannot send a file from elsewhere on this computer: copy the file "
                    + "itself into the drop folder instead.");
        }
        if (attributes.isDirectory()) {
            throw refusal(file, attributes, "folder", name + " is a folder. The client sends files, not folders: move the "
                    + "files it holds into the drop folder themselves, or drop a .zip of the folder.");
        }
        if (!attributes.isRegularFile()) {
            throw refusal(file, attributes, "special", name + " is not a regular file (it is a named pipe, socket or "
                    + "device), so there is nothing to send. Only regular files can be sent; remove it from the drop folder.");
        }
        if (!Files.isReadable(file)) {
            throw refusal(file, attributes, "unreadable", name + " cannot be read by the client (permission denied). "
                    + "Give this user read access to it (e.g. chmod u+r), then save it again or drop a new copy to send it.");
        }
        return FileIdentity.of(attributes);
    }

    /** A refusal of a file that is larger than this client sends. */
    public static UnsendableFileException tooLarge(Path file, FileIdentity identity, long maxFileBytes) {
        return new UnsendableFileException(file, identity.size(), reportKey(file, "too-large", identity.size() + "/" + identity.modified()),
                file.getFileName() + " is " + identity.size() + " bytes, more than the " + maxFileBytes
                        + " bytes this client is configured to send (client.max-file-bytes). Split it, or raise the limit.");
    }

    /** Entries of the drop folder the watch route will not send and that need a word to the person. */
    public List<UnsendableFileException> scan() throws IOException {
        List<UnsendableFileException> refused = new ArrayList<>();
        DropFolderChanges.Look look = changes == null ? null : changes.lookDue();
        if (changes != null && look == null) {
            // nothing can have changed since the last look, whose findings were reported then
            return refused;
        }
        if (!Files.isDirectory(dropFolder)) {
            return refused;
        }
        lookThrough(refused);
        if (look != null) {
            changes.looked(look, false);
        }
        return refused;
    }

    private void lookThrough(List<UnsendableFileException> refused) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dropFolder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (ignoredNames.matcher(name).matches()) {
                    // Hidden files are the system's own (.DS_Store); anything else left alone is
                    // said once, so a person who dropped "notes.tmp" on purpose learns why.
                    if (!name.startsWith(".") && leftAlone.size() < 10_000 && leftAlone.add(name)) {
                        LOG.info("{} in the drop folder is left alone: its name is that of a partial download or an "
                                + "editor's file (client.ignored-names). Rename it to send it.", name);
                    }
                    continue;
                }
                try {
                    if (!dropFolder.resolve(entry.getFileName().toString()).equals(entry)) {
                        refused.add(undecodableName(entry));
                        continue;
                    }
                    if (name.indexOf('\\') >= 0 && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                        refused.add(backslashInName(entry));
                        continue;
                    }
                    sendable(entry);
                } catch (UnsendableFileException refusal) {
                    refused.add(refusal);
                } catch (NoSuchFileException gone) {
                    // removed while looking: nothing to say
                } catch (IOException unreadable) {
                    LOG.warn("Cannot look at {} in the drop folder: {}", entry, unreadable.getMessage());
                }
            }
        }
    }

    /**
     * A name whose bytes are not valid UTF-8 (made on another system, or by a program that wrote
     * another encoding). Java shows it with U+FFFD in place of those bytes, and no file has that
     * shown name, so the watcher (which lists by name) could never open it: the person is told to
     * rename it, which is all it takes. The raw bytes travel in the entry's URI, which escapes them.
     */
    private static UnsendableFileException undecodableName(Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String shown = entry.getFileName().toString();
        String bytes = escapedName(entry);
        String version = attributes.size() + "/" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        return new UnsendableFileException(entry, attributes.isRegularFile() ? attributes.size() : null,
                reportKey(entry.toUri().toString(), "undecodable-name", version),
                "The name \"" + bytes + "\" is not valid UTF-8 text, so the client cannot open the file by its name (it "
                        + "shows as \"" + shown + "\"). Rename it, in a file manager or with mv in a terminal, and it is "
                        + "sent under its new name.");
    }

    /**
     * A name with a backslash, which Linux and macOS allow: Camel's file component reads it as a
     * folder separator (it normalises paths for Windows), so the watcher looks for a file that is
     * not there and never hands this one over.
     */
    private static UnsendableFileException backslashInName(Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String name = entry.getFileName().toString();
        return new UnsendableFileException(entry, attributes.size(),
                reportKey(entry, "backslash", attributes.size() + "/" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)),
                name + " has a backslash (\\) in its name, which the drop-folder watcher takes for a folder separator, so it "
                        + "cannot be sent under this name. Rename it without the backslash and it is sent.");
    }

    /** The last segment of {@code entry}'s name with every byte that is not UTF-8 written as {@code \xFF}. */
    static String escapedName(Path entry) {
        String raw = entry.toUri().getRawPath();
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        String segment = raw.substring(raw.lastIndexOf('/') + 1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                bytes.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes.toByteArray());
        CharBuffer out = CharBuffer.allocate(in.remaining() * 2 + 8);
        StringBuilder shown = new StringBuilder();
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            out.flip();
            shown.append(out);
            out.clear();
            if (!result.isError()) {
                break;
            }
            for (int k = 0; k < result.length(); k++) {
                shown.append(String.format("\\x%02X", in.get() & 0xff));
            }
        }
        return shown.toString();
    }

    private static UnsendableFileException refusal(Path file, BasicFileAttributes attributes, String kind, String message) {
        // A folder is the same folder while files are added to it (its time changes, not its inode);
        // anything else is a new thing to report once it is changed.
        String version = attributes.isDirectory() ? String.valueOf(attributes.fileKey())
                : attributes.size() + "/" + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        return new UnsendableFileException(file, attributes.isRegularFile() ? attributes.size() : null,
                reportKey(file, kind, version), message);
    }

    /** The journal id of a refusal: the same entry, unchanged, is reported once. */
    static String reportKey(Path file, String kind, String version) {
        return reportKey(file.toAbsolutePath().normalize().toString(), kind, version);
    }

    private static String reportKey(String file, String kind, String version) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((file + "\n" + kind
                    + "\n" + version).getBytes(StandardCharsets.UTF_8));
            return "failure-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
