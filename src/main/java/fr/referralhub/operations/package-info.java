/**
 * What operators watch: metrics that are not a by-product of a single route (consumer lag, silent partners,
 * eligibility outcomes) and the health details that go with them.
 */
package fr.referralhub.operations;
