package fr.referralhub.schemaregistry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id as a big-endian
 * int32, then the Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id: where the Avro binary data starts. */
    public static final int HEADER_LENGTH = 1 + Integer.BYTES;

    private WireFormat() {
    }

    public static void writeHeader(OutputStream out, int schemaId) throws IOException {
        out.write(MAGIC_BYTE);
        out.write(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
    }

    /**
     * Reads the schema id of a payload, checking it really is in the Confluent wire format.
     *
     * @throws SerializationException when the payload is too short or does not start with the magic byte
     */
    public static int readSchemaId(byte[] payload) {
        if (payload.length < HEADER_LENGTH) {
            throw new SerializationException("Payload of " + payload.length + " bytes is too short for the Confluent"
                    + " Schema Registry wire format (magic byte, 4-byte schema id, then Avro data)");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException("Unknown magic byte " + payload[0]
                    + ": not a Confluent Schema Registry Avro payload");
        }
        return ByteBuffer.wrap(payload, 1, Integer.BYTES).getInt();
    }
}
