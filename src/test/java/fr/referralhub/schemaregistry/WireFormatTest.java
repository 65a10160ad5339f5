package fr.referralhub.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final Schema GREETING = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Greeting\",\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}");

    @Test
    void shouldFrameAvroDataWithMagicByteAndBigEndianSchemaId() throws Exception {
        GenericRecord greeting = new GenericData.Record(GREETING);
        greeting.put("text", "bonjour");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(GREETING).write(greeting, encoder);
        byte[] payload = out.toByteArray();

        assertThat(payload).startsWith(0, 1, 2, 3, 4);
        assertThat(WireFormat.readSchemaId(payload)).isEqualTo(0x01020304);
        GenericRecord read = new GenericDatumReader<GenericRecord>(GREETING).read(null, DecoderFactory.get()
                .binaryDecoder(payload, WireFormat.HEADER_LENGTH, payload.length - WireFormat.HEADER_LENGTH, null));
        assertThat(read.get("text")).hasToString("bonjour");
    }

    @Test
    void shouldRejectAnUnknownMagicByte() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {3, 0, 0, 0, 1, 42}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Unknown magic byte 3: not a Confluent Schema Registry Avro payload");
    }

    @Test
    void shouldRejectAPayloadShorterThanTheHeader() {
        assertThatThrownBy(() -> WireFormat.readSchemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes is too short");
    }

    @Test
    void shouldNameSubjectsAfterTheTopic() {
        assertThat(SubjectNaming.subject("referrals.v1", false)).isEqualTo("referrals.v1-value");
        assertThat(SubjectNaming.subject("referrals.v1", true)).isEqualTo("referrals.v1-key");
    }
}
