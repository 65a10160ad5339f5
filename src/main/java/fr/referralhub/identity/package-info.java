/** Personal identifiers: NIR validation and the keyed pseudonyms that replace identifiers on shared topics. */
package fr.referralhub.identity;
