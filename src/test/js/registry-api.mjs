// Every call of Confluent's official JS Schema Registry client (npm @confluentinc/schemaregistry), its Avro serdes with
// useLatestVersion on a schema with references, and over plain HTTP what the client has no call for (modes, listings),
// against one registry. Driven by RegistryApiInterop (the embedded registry; Confluent's own where Docker runs), which
// asserts Confluent's documented answers. Prints one JSON document: each step's value, or {status, errorCode} when it
// was refused.
//
//   node registry-api.mjs <registryUrl>
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { randomUUID } from 'node:crypto';

const [registryUrl] = process.argv.slice(2);
const registry = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const run = randomUUID().replaceAll('-', '');
const subject = (name) => `interop-${run}-${name}`;
const avro = (schema, references) => ({ schemaType: 'AVRO', schema: JSON.stringify(schema), ...(references ? { references } : {}) });

const V1 = { type: 'record', name: 'Probe', namespace: 'interop', fields: [{ name: 'a', type: 'string' }] };
const V2 = { ...V1, fields: [...V1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
const V3 = { ...V2, fields: [...V2.fields, { name: 'c', type: 'int', default: 0 }] };
const BROKEN = { ...V1, fields: [...V1.fields, { name: 'd', type: 'int' }] };
const ADDRESS = { type: 'record', name: 'Address', namespace: 'interop.common', fields: [{ name: 'commune', type: 'string' }] };
// Names interop.common.Address without defining it: registered with a reference to the address subject.
const PERSON = { type: 'record', name: 'Person', namespace: 'interop',
                 fields: [{ name: 'name', type: 'string' }, { name: 'home', type: 'interop.common.Address' }] };
const PERSON_V2 = { ...PERSON, fields: [...PERSON.fields, { name: 'email', type: ['null', 'string'], default: null }] };

/** The value of a call, or how the registry refused it. */
async function attempt(call) {
  try {
    return { value: await call() };
  } catch (e) {
    return { status: e.status ?? null, errorCode: e.errorCode ?? null, message: String(e.message) };
  }
}

/** A plain HTTP call, for what the client has no method for. */
async function http(method, path, body) {
  const response = await fetch(registryUrl + path, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: response.status, body: json };
}

async function versionsAndLookups(r) {
  const probe = subject('probe-value');
  r.idV1 = await registry.register(probe, avro(V1));
  r.idV1Again = await registry.register(probe, avro(V1));
  r.idV2 = await registry.register(probe, avro(V2));
  r.registeredFull = (await registry.registerFullResponse(probe, avro(V2))).version;
  r.versions = await registry.getAllVersions(probe);
  r.subjectListed = (await registry.getAllSubjects()).includes(probe);
  r.idLookup = await registry.getId(probe, avro(V1));
  r.idLookupFull = (await registry.getIdFullResponse(probe, avro(V2))).version;
  r.versionOfV2 = await registry.getVersion(probe, avro(V2));
  r.byIdName = JSON.parse((await registry.getBySubjectAndId(probe, r.idV1)).schema).name;
  r.metadataV1 = (await registry.getSchemaMetadata(probe, 1)).id;
  r.latestVersion = (await registry.getLatestSchemaMetadata(probe)).version;
  r.unknownSubject = await attempt(() => registry.getAllVersions(subject('nobody-value')));
  r.unknownVersion = await attempt(() => registry.getSchemaMetadata(probe, 9));
  return probe;
}

async function compatibilityAndConfig(r, probe) {
  r.compatibleLatest = await registry.testSubjectCompatibility(probe, avro(V3));
  r.incompatibleLatest = await registry.testSubjectCompatibility(probe, avro(BROKEN));
  r.compatibleWithV1 = await registry.testCompatibility(probe, 1, avro(V2));
  r.incompatibleRegister = await attempt(() => registry.register(probe, avro(BROKEN)));
  r.invalidSchema = await attempt(() => registry.register(probe, { schemaType: 'AVRO', schema: '{"type":"record"}' }));
  r.defaultCompatibility = await registry.getDefaultCompatibility();
  // Set to what it is: the global level of a shared registry stays as it was.
  r.defaultCompatibilitySet = await registry.updateDefaultCompatibility(r.defaultCompatibility);
  r.defaultConfig = (await registry.getDefaultConfig()).compatibilityLevel;
  r.defaultConfigSet = (await registry.updateDefaultConfig({ compatibility: r.defaultConfig })).compatibility;
  r.subjectConfigBefore = await attempt(() => registry.getConfig(probe));
  r.updateCompatibility = await registry.updateCompatibility(probe, 'FULL');
  r.getCompatibility = await registry.getCompatibility(probe);
  r.updateConfig = (await registry.updateConfig(probe, { compatibility: 'BACKWARD_TRANSITIVE' })).compatibility;
  r.getConfig = (await registry.getConfig(probe)).compatibilityLevel;
  r.deleteConfig = await http('DELETE', `/config/${probe}`);
  r.subjectConfigAfterDelete = await attempt(() => registry.getConfig(probe));
  r.invalidLevel = await attempt(() => registry.updateCompatibility(probe, 'SIDEWAYS'));
}

async function referencesAndSerdes(r) {
  const common = subject('common-address');
  const topic = subject('people');
  const people = `${topic}-value`;
  const reference = [{ name: 'interop.common.Address', subject: common, version: 1 }];
  r.addressId = await registry.register(common, avro(ADDRESS));
  r.personId = await registry.register(people, avro(PERSON, reference));
  r.personV2Id = await registry.register(people, avro(PERSON_V2, reference));
  r.personReferences = (await registry.getLatestSchemaMetadata(people)).references;
  r.referencedBy = (await http('GET', `/subjects/${common}/versions/1/referencedby`)).body;
  r.deleteReferencedVersion = await attempt(() => registry.deleteSubjectVersion(common, 1));
  r.deleteReferencedSubject = await attempt(() => registry.deleteSubject(common));
  r.unknownReference = await attempt(() => registry.register(subject('orphan-value'),
      avro(PERSON, [{ name: 'interop.common.Address', subject: subject('nowhere'), version: 1 }])));

  // Encoded for the latest version, the one with references; decoded by a client that has seen none of it.
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
  const bytes = await serializer.serialize(topic, { name: 'Ada', home: { commune: '93066' }, email: 'ada@example.org' });
  r.serializedSchemaId = bytes.readInt32BE(1);
  const reader = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  r.roundTrip = await new AvroDeserializer(reader, SerdeType.VALUE, {}).deserialize(topic, bytes);
}

async function deletes(r, probe) {
  r.permanentBeforeSoftVersion = await attempt(() => registry.deleteSubjectVersion(probe, 2, true));
  r.softDeleteVersion = await registry.deleteSubjectVersion(probe, 2);
  r.softDeleteVersionAgain = await attempt(() => registry.deleteSubjectVersion(probe, 2));
  r.versionsAfterSoftDelete = await registry.getAllVersions(probe);
  r.deletedVersionRead = (await registry.getSchemaMetadata(probe, 2, true)).version;
  r.deletedVersionHidden = (await http('GET', `/subjects/${probe}/versions/2`)).body;
  r.deletedVersionLookup = await registry.getVersion(probe, avro(V2), false, true);
  r.deletedVersionListed = (await http('GET', `/subjects/${probe}/versions?deleted=true`)).body;
  r.permanentDeleteVersion = await registry.deleteSubjectVersion(probe, 2, true);
  // Plain HTTP: the client still caches what it read before the delete.
  r.afterPermanentVersionDelete = (await http('GET', `/subjects/${probe}/versions/2?deleted=true`)).body;

  r.permanentBeforeSoftSubject = await attempt(() => registry.deleteSubject(probe, true));
  r.softDeleteSubject = await registry.deleteSubject(probe);
  r.softDeleteSubjectAgain = await attempt(() => registry.deleteSubject(probe));
  r.listedAfterSoftDelete = (await registry.getAllSubjects()).includes(probe);
  r.listedWithDeleted = (await http('GET', '/subjects?deleted=true')).body.includes(probe);
  r.permanentDeleteSubject = await registry.deleteSubject(probe, true);
  r.listedAfterPermanentDelete = (await http('GET', '/subjects?deleted=true')).body.includes(probe);
  r.deleteAfterPermanentDelete = await attempt(() => registry.deleteSubject(probe, true));
}

async function modes(r) {
  const frozen = subject('frozen-value');
  await registry.register(frozen, avro(V1));
  r.globalMode = await http('GET', '/mode');
  r.setReadOnly = await http('PUT', `/mode/${frozen}`, { mode: 'READONLY' });
  r.subjectMode = await http('GET', `/mode/${frozen}`);
  r.registerReadOnly = await attempt(() => registry.register(frozen, avro(V2)));
  r.deleteMode = await http('DELETE', `/mode/${frozen}`);
  r.modeAfterDelete = await http('GET', `/mode/${frozen}`);
  r.modeDefaultToGlobal = await http('GET', `/mode/${frozen}?defaultToGlobal=true`);
  r.registerAfterModeDelete = await attempt(() => registry.register(frozen, avro(V2)));
  r.invalidMode = await http('PUT', `/mode/${frozen}`, { mode: 'SIDEWAYS' });

  // IMPORT: the schema comes with the id it has elsewhere. A schema and an id of this run only.
  const imported = subject('imported-value');
  const importedSchema = { ...V1, namespace: `interop.imported${run}` };
  r.importId = 100000 + Math.floor(Math.random() * 800000);
  r.setImport = await http('PUT', `/mode/${imported}`, { mode: 'IMPORT' });
  r.importWithId = await http('POST', `/subjects/${imported}/versions`,
      { schema: JSON.stringify(importedSchema), id: r.importId, version: 1 });
  r.importedVersion = (await http('GET', `/subjects/${imported}/versions/1`)).body;
  r.importWithoutId = await attempt(() => registry.register(imported, avro(V3)));
  await http('DELETE', `/mode/${imported}`);
}

async function listings(r) {
  r.wrongMethod = await http('PUT', '/subjects', {});
  r.types = (await http('GET', '/schemas/types')).body;
  r.idSubjects = (await http('GET', `/schemas/ids/${r.addressId}/subjects`)).body;
  r.idVersions = (await http('GET', `/schemas/ids/${r.addressId}/versions`)).body;
  r.rawSchema = (await http('GET', `/schemas/ids/${r.addressId}/schema`)).body;
  r.schemas = (await http('GET', `/schemas?subjectPrefix=${subject('common-address')}`)).body;
  r.contexts = (await http('GET', '/contexts')).body;
  r.clusterId = (await http('GET', '/v1/metadata/id')).body;
}

try {
  const r = {};
  const probe = await versionsAndLookups(r);
  await compatibilityAndConfig(r, probe);
  await referencesAndSerdes(r);
  await deletes(r, probe);
  await modes(r);
  await listings(r);
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
}
