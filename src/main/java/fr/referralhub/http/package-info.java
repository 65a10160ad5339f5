/**
 * How the HTTP server defends itself against slow or greedy clients, before any route or controller sees a request:
 * request bodies must arrive in time, the partner API's bodies are bounded while they are read (in Tomcat's thread,
 * never in the routes' few workers), and one client address may only have so many requests in progress. Every refusal
 * is {@code application/problem+json}, like the hub's others.
 */
package fr.referralhub.http;
