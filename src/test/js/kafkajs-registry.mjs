// KafkaJS's schema registry client and Avro serdes (npm @kafkajs/confluent-schema-registry): a second client, written
// apart from Confluent's, against one registry. Driven by RegistryApiInterop; prints one JSON document.
//
//   node kafkajs-registry.mjs <registryUrl>
import kafkajsRegistry from '@kafkajs/confluent-schema-registry';
import { randomUUID } from 'node:crypto';

const { SchemaRegistry, SchemaType } = kafkajsRegistry;
const [registryUrl] = process.argv.slice(2);
const run = randomUUID().replaceAll('-', '');
const subject = (name) => `kafkajs-${run}-${name}`;
const avro = (schema, references) => ({ type: SchemaType.AVRO, schema: JSON.stringify(schema), ...(references ? { references } : {}) });
// No retries: a refusal is an answer to report, not a failure to wait out.
const newClient = () => new SchemaRegistry({ host: registryUrl, clientId: 'kafkajs-interop', retry: { retries: 0 } });

const V1 = { type: 'record', name: 'Probe', namespace: 'kafkajs', fields: [{ name: 'a', type: 'string' }] };
const V2 = { ...V1, fields: [...V1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
const BROKEN = { ...V1, fields: [...V1.fields, { name: 'd', type: 'int' }] };
const ADDRESS = { type: 'record', name: 'Address', namespace: 'kafkajs.common', fields: [{ name: 'commune', type: 'string' }] };
const PERSON = { type: 'record', name: 'Person', namespace: 'kafkajs',
                 fields: [{ name: 'name', type: 'string' }, { name: 'home', type: 'kafkajs.common.Address' }] };

async function attempt(call) {
  try {
    return { value: await call() };
  } catch (e) {
    return { status: e.status ?? null, name: e.name, message: String(e.message) };
  }
}

try {
  const registry = newClient();
  const r = {};
  const probe = subject('probe-value');
  // The first registration finds no subject level (40408), registers, then sets BACKWARD; the second checks it.
  r.id1 = (await registry.register(avro(V1), { subject: probe })).id;
  r.id2 = (await registry.register(avro(V2), { subject: probe })).id;
  r.latestId = await registry.getLatestSchemaId(probe);
  r.version1Id = await registry.getRegistryId(probe, 1);
  r.idBySchema = await registry.getRegistryIdBySchema(probe, avro(V1));
  r.incompatible = await attempt(() => registry.register(avro(BROKEN), { subject: probe }));
  const encoded = await registry.encode(r.id2, { a: 'x', b: 'y' });
  r.encodedSchemaId = encoded.readInt32BE(1);
  r.decoded = await newClient().decode(encoded);

  const common = subject('common-address');
  const people = subject('people-value');
  r.addressId = (await registry.register(avro(ADDRESS), { subject: common })).id;
  r.personId = (await registry.register(
      avro(PERSON, [{ name: 'kafkajs.common.Address', subject: common, version: 1 }]), { subject: people })).id;
  const person = await registry.encode(r.personId, { name: 'Ada', home: { commune: '93066' } });
  // A fresh client resolves the reference itself from the registry to decode.
  r.decodedPerson = await newClient().decode(person);
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
}
