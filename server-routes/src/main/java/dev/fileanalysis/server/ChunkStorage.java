package dev.fileanalysis.server;

import java.net.URL;
import java.time.Duration;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The chunks of uploaded files in S3, one object per chunk at {@code chunks/<file>/<index>} (a
 * multipart upload is unreadable until it completes, which would stop processors from streaming).
 * Only the server holds S3 credentials; clients and processors get short-lived presigned URLs.
 */
public final class ChunkStorage {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration urlLifetime;

    public ChunkStorage(S3Client s3, S3Presigner presigner, String bucket, Duration urlLifetime) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.urlLifetime = urlLifetime;
    }

    public String bucket() {
        return bucket;
    }

    public static String chunkKey(String file, int index) {
        return "chunks/" + file + "/" + index;
    }

    /**
     * A PUT URL whose signature covers the chunk's Content-MD5 and length, so S3 refuses bytes
     * other than the ones the client announced.
     */
    public URL presignUpload(String file, int index, String contentMd5, long contentLength) {
        return presigner.presignPutObject(request -> request
                .signatureDuration(urlLifetime)
                .putObjectRequest(put -> put.bucket(bucket).key(chunkKey(file, index))
                        .contentMD5(contentMd5).contentLength(contentLength)))
                .url();
    }

    public URL presignDownload(String file, int index) {
        return presigner.presignGetObject(request -> request
                .signatureDuration(urlLifetime)
                .getObjectRequest(get -> get.bucket(bucket).key(chunkKey(file, index))))
                .url();
    }

    public boolean exists(String file, int index) {
        try {
            s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(chunkKey(file, index)).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Deletes the chunks {@code 0 .. presigned-1} of a file without listing them first: only the
     * server presigns, so no chunk can exist outside the indexes it handed out URLs for (a job's
     * charge mark). Deleting a key that was never written is a no-op in S3. Returns how many
     * deletes were sent. What a job's end uses; {@link #deleteAll} is for files whose mark is unknown.
     */
    public int deletePresigned(String file, int presigned) {
        for (int index = 0; index < presigned; index++) {
            String key = chunkKey(file, index);
            s3.deleteObject(request -> request.bucket(bucket).key(key));
        }
        return presigned;
    }

    /**
     * Deletes every chunk of a file; returns how many objects were removed. The API beans call it
     * when a job ends; the sweep deletes chunks in its own route ({@code delete-file-chunks}).
     */
    public int deleteAll(String file) {
        String prefix = "chunks/" + file + "/";
        int deleted = 0;
        String continuation = null;
        do {
            ListObjectsV2Request.Builder list = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (continuation != null) {
                list.continuationToken(continuation);
            }
            var page = s3.listObjectsV2(list.build());
            // One DELETE per object: the batch DeleteObjects call needs a Content-MD5 that the SDK no
            // longer sends under WHEN_REQUIRED checksums, and emulators differ on the replacement.
            for (S3Object object : page.contents()) {
                s3.deleteObject(request -> request.bucket(bucket).key(object.key()));
                deleted++;
            }
            continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (continuation != null);
        return deleted;
    }
}
