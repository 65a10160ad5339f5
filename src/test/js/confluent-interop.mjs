// Confluent's official JS Schema Registry client and Avro serdes (npm @confluentinc/schemaregistry), with kafkajs,
// talking to the hub's registry and topics. Driven by ConfluentJsClientInteropTest; prints one JSON document.
//
//   node confluent-interop.mjs registry <registryUrl>
//   node confluent-interop.mjs decode   <registryUrl> <bootstrap> <topic> <expectedCount>
//   node confluent-interop.mjs produce  <registryUrl> <bootstrap> <topic> <referralId> <personReference> [submissions]
//     (encoded for <topic>; with [submissions], sent there as the hub's intake submits an event, else to <topic>)
//   node confluent-interop.mjs credentials <registryUrl> <writer user:password> <reader user:password>
//     (a registry that wants credentials on every request and writes from some users only: reads and registers
//      without, registers as the writer, reads and registers as the reader, with basic.auth.user.info)
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

const [command, registryUrl, ...args] = process.argv.slice(2);
const [bootstrap, topic, ...rest] = args;
const registry = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const kafka = () => new Kafka({ clientId: 'confluent-js-interop', brokers: [bootstrap], logLevel: logLevel.WARN });
const json = (value) => JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() : v));

async function registryRoundTrip() {
  const subject = `interop-js-${randomUUID()}-value`;
  const v1 = { type: 'record', name: 'Probe', namespace: 'interop', fields: [{ name: 'a', type: 'string' }] };
  const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
  const broken = { ...v1, fields: [...v1.fields, { name: 'c', type: 'int' }] };
  const id1 = await registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(v1) });
  const id1Again = await registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(v1) });
  const id2 = await registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(v2) });
  const byId = await registry.getBySubjectAndId(subject, id1);
  const latest = await registry.getLatestSchemaMetadata(subject);
  let incompatible = null;
  try {
    await registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(broken) });
  } catch (e) {
    incompatible = { status: e.status ?? null, errorCode: e.errorCode ?? null, message: String(e.message) };
  }
  const referrals = await registry.getLatestSchemaMetadata('referrals.v1-value');
  return { subject, id1, id1Again, id2, byIdSchema: JSON.parse(byId.schema).name, latestVersion: latest.version,
           latestId: latest.id, incompatible, referralsSchemaId: referrals.id,
           referralsSchemaName: JSON.parse(referrals.schema).name };
}

// Confluent's basic.auth.user.info, as this client spells it: the same credentials its Java and Python clients take.
async function credentials(writerUserInfo, readerUserInfo) {
  const subject = `interop-js-secured-${randomUUID()}-value`;
  const schema = { schemaType: 'AVRO', schema: JSON.stringify(
    { type: 'record', name: 'Secured', namespace: 'interop', fields: [{ name: 'a', type: 'string' }] }) };
  const refusal = (e) => ({ status: e.status ?? null, errorCode: e.errorCode ?? null, message: String(e.message) });
  const as = (userInfo) => new SchemaRegistryClient({ baseURLs: [registryUrl],
    basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } });
  let anonymousRegister = null;
  try {
    await registry.register(subject, schema);
  } catch (e) {
    anonymousRegister = refusal(e);
  }
  let anonymousRead = null;
  try {
    await registry.getLatestSchemaMetadata('referrals.v1-value');
  } catch (e) {
    anonymousRead = refusal(e);
  }
  const id = await as(writerUserInfo).register(subject, schema);
  // A fresh client: nothing comes from a cache the writer filled.
  const reader = as(readerUserInfo);
  const latest = await reader.getLatestSchemaMetadata(subject);
  const evolved = { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'Secured', namespace: 'interop',
    fields: [{ name: 'a', type: 'string' }, { name: 'b', type: ['null', 'string'], default: null }] }) };
  let readerRegister = null;
  try {
    await reader.register(subject, evolved);
  } catch (e) {
    readerRegister = refusal(e);
  }
  return { subject, anonymousRegister, anonymousRead, id, latestId: latest.id, latestVersion: latest.version,
           readerRegister };
}

async function decode(expectedCount) {
  const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  const consumer = kafka().consumer({ groupId: `confluent-js-interop-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records = [];
  const undecodable = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(), 30000);
    consumer.run({
      eachMessage: async ({ message }) => {
        // A record that is not Confluent Avro (a poison record a test put there on purpose) is reported, not fatal.
        try {
          records.push({ key: message.key?.toString(), value: await deserializer.deserialize(topic, message.value) });
        } catch (e) {
          undecodable.push({ offset: message.offset, error: String(e.message ?? e) });
        }
        if (records.length + undecodable.length >= expectedCount) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return { topic, records, undecodable };
}

async function produce(referralId, personReference, submissions) {
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
  const now = Date.now();
  const event = {
    eventId: randomUUID(), eventType: 'CREATED', referralId, occurredAt: now, receivedAt: now,
    source: { partnerId: 'JS-INTEROP', partnerKind: 'EMPLOYMENT_AGENCY', channel: 'HTTP_JSON', structureType: null,
              structureCode: 'JS-INTEROP', structureName: null, partnerEventId: `js-${referralId}`,
              originPartnerEventId: null },
    person: { personReference, personReferenceBasis: 'NONE', birthDate: 12000 /* 2002-11-08 */, homeCommune: '69123',
              homeDepartement: '69', housingSituation: 'FAMILLE', workPermit: true },
    employment: { status: 'DEMANDEUR_EMPLOI', inEducationOrTraining: false, contract: null },
    targetHousing: { monthlyRentCents: 60000, commune: '69123', departement: '69', doubleRent: null },
    needs: ['LOGEMENT'], requestedProgrammes: ['VISALE'], desiredDepartements: [],
    personInformed: true, personInformedOn: null, cancellationReason: null,
  };
  const value = await serializer.serialize(topic, event);
  // A submission to the hub's referral state: keyed by referral id, with the headers its intake gives (docs/referral-state.md).
  const message = submissions
    ? { key: referralId, value, headers: { 'hub.submission': 'PARTNER_EVENT', 'hub.partner-id': 'JS-INTEROP',
        'hub.partner-event-id': `js-${referralId}`, 'hub.event-id': event.eventId, 'hub.event-type': 'CREATED',
        'hub.person-reference': personReference, 'hub.person-reference-basis': 'NONE' } }
    : { key: personReference, value };
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({ topic: submissions ?? topic, acks: -1, messages: [message] });
  await producer.disconnect();
  return { topic: submissions ?? topic, referralId, schemaId: value.readInt32BE(1), bytes: value.length };
}

try {
  let result;
  if (command === 'registry') result = await registryRoundTrip();
  else if (command === 'decode') result = await decode(Number(rest[0] ?? 1));
  else if (command === 'produce') result = await produce(rest[0], rest[1], rest[2]);
  else if (command === 'credentials') result = await credentials(args[0], args[1]);
  else throw new Error(`unknown command ${command}`);
  process.stdout.write(json(result) + '\n');
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
}
