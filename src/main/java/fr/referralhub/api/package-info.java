/**
 * What every HTTP API of the hub shares: how a request is refused (RFC 9457 {@code application/problem+json}, one
 * stable problem type per kind of refusal, one entry per bad field), so partners, services and operators read the
 * same shape whichever endpoint refused them.
 */
package fr.referralhub.api;
