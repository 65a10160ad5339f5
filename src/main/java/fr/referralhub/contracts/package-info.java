/**
 * The hub's published contracts: the partner HTTP API (OpenAPI) and the Kafka topics (AsyncAPI), written by hand in
 * {@code src/main/resources/contracts/}, and the value schemas the AsyncAPI document refers to, served from
 * {@link fr.referralhub.topics.TopicCatalog} itself. ContractsTest keeps the documents true to the code.
 */
package fr.referralhub.contracts;
