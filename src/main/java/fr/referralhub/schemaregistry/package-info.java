/**
 * The Confluent Schema Registry protocol, spoken by the hub itself because no Confluent Java artifact is reachable
 * from this project's Maven mirror.
 *
 * <p>{@link fr.referralhub.schemaregistry.SchemaRegistryClient} is a small REST client with id and schema caches,
 * which also registers and resolves schemas importing types by {@link fr.referralhub.schemaregistry.SchemaReference};
 * {@link fr.referralhub.schemaregistry.AvroSerializer} and {@link fr.referralhub.schemaregistry.AvroDeserializer} are
 * Kafka serdes that write and read the Confluent wire format ({@link fr.referralhub.schemaregistry.WireFormat}) with
 * Confluent's configuration keys, so records interoperate with Confluent clients in any language.
 */
package fr.referralhub.schemaregistry;
